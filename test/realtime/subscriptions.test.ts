import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateApiKeyDocument,
  RealtimeAddWalletDocument,
  RealtimeCreateInvoiceDocument,
  RealtimeInvoiceEventsDocument,
  RealtimeInvoiceUpdatedPrivateDocument,
  RealtimeInvoiceUpdatedPublicDocument,
  RealtimeMarkInvoiceDocument,
} from '../graphql/generated/graphql.ts';
import { BTC_XPUB, testChains } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { type LiveSubscription, subscribeSse, subscribeWs } from '../support/subscriptions.ts';

let db: TestDatabase;
let apiA: RunningKassa;
let apiB: RunningKassa;
let store: Awaited<ReturnType<typeof seedStore>>;
let other: Awaited<ReturnType<typeof seedStore>>;
const open: LiveSubscription<unknown>[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Two api processes' worth of Kassa on one database: events must cross between them.
  apiA = await startKassa(db.url, {}, { chains: testChains() });
  apiB = await startKassa(db.url, { KASSA_ROLE: 'api' }, { chains: testChains() });
  store = await seedStore(db.url, 'Shop');
  other = await seedStore(db.url, 'Other shop');
  await run(client(apiA.graphqlUrl, store.apiKey.secret), RealtimeAddWalletDocument, {
    input: { chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wpkh' },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await apiB?.stop();
  await apiA?.stop();
  await db?.drop();
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function track<R>(s: LiveSubscription<R>): LiveSubscription<R> {
  open.push(s as LiveSubscription<unknown>);
  return s;
}

async function newInvoice(orderId?: string) {
  const { createInvoice } = await run(
    client(apiA.graphqlUrl, store.apiKey.secret),
    RealtimeCreateInvoiceDocument,
    {
      input: { price: '25', assets: ['BTC'], orderId },
    },
  );
  return createInvoice.id;
}

const transports = [
  ['graphql-ws', (api: RunningKassa) => api.wsUrl, subscribeWs],
  ['SSE', (api: RunningKassa) => api.graphqlUrl, subscribeSse],
] as const;

describe.each(transports)('invoiceUpdated over %s', (_name, urlOf, subscribe) => {
  it('gives an id holder without credentials the current public view, then each change from another process', async () => {
    const id = await newInvoice();
    const live = track(subscribe(urlOf(apiA), RealtimeInvoiceUpdatedPublicDocument, { id }));
    const first = (await live.next()).invoiceUpdated;
    expect(first).toMatchObject({ id, status: 'NEW', exceptionStatus: 'NONE' });
    expect(first.paymentMethods[0].address).toMatch(/^bc1q/);
    // The change commits through the other api process.
    await run(client(apiB.graphqlUrl, store.apiKey.secret), RealtimeMarkInvoiceDocument, {
      id,
      status: 'SETTLED',
    });
    // An event committed just before the subscription may still be fanned out to it: it only
    // ever re-sends the current state. Every message is a true state, ending in the new one.
    const seen = [];
    let changed = (await live.next()).invoiceUpdated;
    while (changed.status !== 'SETTLED' && seen.length < 5) {
      seen.push(changed.status);
      changed = (await live.next()).invoiceUpdated;
    }
    expect(seen.every((s) => s === 'NEW')).toBe(true);
    expect(changed).toMatchObject({ id, status: 'SETTLED', exceptionStatus: 'MARKED' });
  });

  it('refuses private fields to anonymous holders and to other stores, and serves them to the store', async () => {
    const id = await newInvoice(`order-${Math.random()}`);
    const anonymous = track(subscribe(urlOf(apiA), RealtimeInvoiceUpdatedPrivateDocument, { id }));
    await expect(anonymous.next()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const stranger = track(
      subscribe(urlOf(apiA), RealtimeInvoiceUpdatedPrivateDocument, { id }, other.apiKey.secret),
    );
    await expect(stranger.next()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const owner = track(
      subscribe(urlOf(apiA), RealtimeInvoiceUpdatedPrivateDocument, { id }, store.apiKey.secret),
    );
    expect((await owner.next()).invoiceUpdated).toMatchObject({
      id,
      status: 'NEW',
      orderId: expect.stringMatching(/^order-/),
    });
  });

  it('answers NOT_FOUND for an unknown invoice id', async () => {
    const live = track(
      subscribe(urlOf(apiA), RealtimeInvoiceUpdatedPublicDocument, { id: 'no-such-invoice' }),
    );
    await expect(live.next()).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });
});

describe.each(transports)('invoiceEvents over %s', (_name, urlOf, subscribe) => {
  it("streams the store's invoice events with their type, and none of another store's", async () => {
    const before = apiA.app.services!.bus.subscriberCount;
    const live = track(subscribe(urlOf(apiA), RealtimeInvoiceEventsDocument, {}, store.apiKey.secret));
    const theirs = track(subscribe(urlOf(apiA), RealtimeInvoiceEventsDocument, {}, other.apiKey.secret));
    // This stream has no initial state to wait for: wait until the server holds both subscriptions.
    await waitFor(() => apiA.app.services!.bus.subscriberCount >= before + 2);
    const id = await newInvoice();
    const created = (await live.next()).invoiceEvents;
    expect(created).toMatchObject({ type: 'invoice.created', invoiceId: id, invoice: { id, status: 'NEW' } });
    await run(client(apiB.graphqlUrl, store.apiKey.secret), RealtimeMarkInvoiceDocument, {
      id,
      status: 'INVALID',
    });
    const types = [(await live.next()).invoiceEvents, (await live.next()).invoiceEvents].map((e) => e.type);
    expect(types).toEqual(['invoice.marked', 'invoice.invalid']);
    await expect(theirs.next(500)).rejects.toThrow(/no subscription result/);
  });

  it('refuses a key without invoices:read, and callers without credentials', async () => {
    const { createApiKey } = await run(client(apiA.graphqlUrl, store.apiKey.secret), CreateApiKeyDocument, {
      input: { label: 'users only', scopes: ['users:read'] },
    });
    const limited = track(subscribe(urlOf(apiA), RealtimeInvoiceEventsDocument, {}, createApiKey.secret));
    await expect(limited.next()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const anonymous = track(subscribe(urlOf(apiA), RealtimeInvoiceEventsDocument, {}));
    await expect(anonymous.next()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
