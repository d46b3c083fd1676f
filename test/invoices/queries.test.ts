import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateApiKeyDocument,
  CreateInvoiceDocument,
  type CreateInvoiceInput,
  CreateUserDocument,
  CreateUserTokenDocument,
  InvoiceCheckoutDocument,
  InvoiceDocument,
  InvoiceMetadataDocument,
  InvoiceOrderIdDocument,
  InvoicesDocument,
  type InvoicesQueryVariables,
  MarkInvoiceDocument,
  MarkInvoiceStoreNameDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { Clock, countEvents, invoiceStatus, makeStore, sqlPool, type TestStore } from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let shop: TestStore;
let rival: TestStore;
const clock = new Clock();

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { now: clock.now });
  sql = sqlPool(db.url);
  shop = await makeStore(kassa, db.url, 'Query store', 0);
  rival = await makeStore(kassa, db.url, 'Rival store', 1);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

async function create(store: TestStore, input: CreateInvoiceInput) {
  return (await run(store.api, CreateInvoiceDocument, { input })).createInvoice;
}

describe('invoice(id): the public checkout view', () => {
  let invoiceId: string;
  let buyerId: string;

  beforeAll(async () => {
    buyerId = (await run(shop.api, CreateUserDocument, { input: { externalId: 'checkout-buyer' } }))
      .createUser.id;
    invoiceId = (
      await create(shop, {
        price: '42',
        currency: 'EUR',
        orderId: 'public-1',
        metadata: { secret: 'internal note' },
        description: 'Poster',
        userId: buyerId,
      })
    ).id;
  });

  it('shows price, status and payment methods to anyone holding the id', async () => {
    const { invoice } = await run(client(kassa.graphqlUrl), InvoiceCheckoutDocument, { id: invoiceId });
    expect(invoice).toMatchObject({
      id: invoiceId,
      status: 'NEW',
      price: '42',
      currency: 'EUR',
      description: 'Poster',
      storeName: 'Query store',
    });
    expect(invoice?.paymentMethods.map((m) => m.asset)).toEqual(['BTC', 'ETH', 'USDT_ETH']);
    expect(invoice?.paymentMethods[0].paymentUri).toMatch(/^bitcoin:bc1q/);
  });

  it('hides orderId and metadata from callers without credentials (UNAUTHENTICATED)', async () => {
    const anonymous = client(kassa.graphqlUrl);
    await expectCode(run(anonymous, InvoiceOrderIdDocument, { id: invoiceId }), 'UNAUTHENTICATED');
    await expectCode(run(anonymous, InvoiceMetadataDocument, { id: invoiceId }), 'UNAUTHENTICATED');
    await expectCode(run(anonymous, InvoiceDocument, { id: invoiceId }), 'UNAUTHENTICATED');
  });

  it("hides them from another store's key (FORBIDDEN), which still sees the public view", async () => {
    const { invoice } = await run(rival.api, InvoiceCheckoutDocument, { id: invoiceId });
    expect(invoice?.id).toBe(invoiceId);
    await expectCode(run(rival.api, InvoiceOrderIdDocument, { id: invoiceId }), 'FORBIDDEN');
    await expectCode(run(rival.api, InvoiceMetadataDocument, { id: invoiceId }), 'FORBIDDEN');
  });

  it('shows them to the store key and to the paying user, not to another user of the store', async () => {
    const { invoice } = await run(shop.api, InvoiceDocument, { id: invoiceId });
    expect(invoice).toMatchObject({
      orderId: 'public-1',
      metadata: { secret: 'internal note' },
      userId: buyerId,
    });

    const buyer = await run(shop.api, CreateUserTokenDocument, { userId: buyerId, ttlSeconds: 600 });
    const asBuyer = await run(client(kassa.graphqlUrl, buyer.createUserToken.token), InvoiceOrderIdDocument, {
      id: invoiceId,
    });
    expect(asBuyer.invoice?.orderId).toBe('public-1');

    const strangerId = (await run(shop.api, CreateUserDocument, { input: { externalId: 'stranger' } }))
      .createUser.id;
    const stranger = await run(shop.api, CreateUserTokenDocument, { userId: strangerId, ttlSeconds: 600 });
    await expectCode(
      run(client(kassa.graphqlUrl, stranger.createUserToken.token), InvoiceOrderIdDocument, {
        id: invoiceId,
      }),
      'FORBIDDEN',
    );
  });

  it('answers null for an unknown id', async () => {
    const { invoice } = await run(client(kassa.graphqlUrl), InvoiceCheckoutDocument, {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(invoice).toBeNull();
  });
});

describe('invoices(first, after, filter)', () => {
  const start = new Date('2032-01-01T00:00:00.000Z');
  const hour = 3_600_000;
  const ids: string[] = [];
  let userId: string;

  beforeAll(async () => {
    userId = (await run(shop.api, CreateUserDocument, { input: { externalId: 'list-user' } })).createUser.id;
    try {
      for (let i = 0; i < 6; i++) {
        clock.set(new Date(start.getTime() + i * hour));
        const invoice = await create(shop, {
          price: `${i + 1}`,
          currency: 'EUR',
          assets: ['ETH'],
          orderId: `list-${i}`,
          userId: i % 2 === 0 ? userId : undefined,
        });
        ids.push(invoice.id);
      }
    } finally {
      clock.set(new Date());
    }
    await run(shop.api, MarkInvoiceDocument, { id: ids[1], status: 'SETTLED' });
    await run(shop.api, MarkInvoiceDocument, { id: ids[4], status: 'INVALID' });
    // The rival store's invoices never show up in the shop's lists.
    await create(rival, { price: '1', currency: 'EUR', orderId: 'list-0' });
  });

  async function list(variables: InvoicesQueryVariables, store = shop) {
    const { invoices } = await run(store.api, InvoicesDocument, variables);
    return invoices;
  }

  const inRange = {
    createdFrom: start.toISOString(),
    createdTo: new Date(start.getTime() + 6 * hour).toISOString(),
  };

  it('lists newest first and pages with first/after', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    for (;;) {
      const page = await list({ first: 2, after, filter: inRange });
      pages += 1;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(10);
    }
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it('filters by status', async () => {
    const settled = await list({ first: 50, filter: { ...inRange, status: ['SETTLED'] } });
    expect(settled.edges.map((e) => e.node.id)).toEqual([ids[1]]);
    const closed = await list({ first: 50, filter: { ...inRange, status: ['SETTLED', 'INVALID'] } });
    expect(closed.edges.map((e) => e.node.id)).toEqual([ids[4], ids[1]]);
    const open = await list({ first: 50, filter: { ...inRange, status: ['NEW'] } });
    expect(open.edges.map((e) => e.node.id)).toEqual([ids[5], ids[3], ids[2], ids[0]]);
  });

  it('filters by orderId, user and date range (from inclusive, to exclusive)', async () => {
    const byOrder = await list({ first: 50, filter: { orderId: 'list-3' } });
    expect(byOrder.edges.map((e) => e.node.id)).toEqual([ids[3]]);

    const byUser = await list({ first: 50, filter: { ...inRange, userId } });
    expect(byUser.edges.map((e) => e.node.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect(byUser.edges.every((e) => e.node.userId === userId)).toBe(true);

    const window = await list({
      first: 50,
      filter: {
        createdFrom: new Date(start.getTime() + 1 * hour).toISOString(),
        createdTo: new Date(start.getTime() + 3 * hour).toISOString(),
      },
    });
    expect(window.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
  });

  it("shows no other store's invoices, and a user token only its user's", async () => {
    const theirs = await list({ first: 50, filter: { orderId: 'list-0' } }, rival);
    expect(theirs.edges).toHaveLength(1);
    expect(theirs.edges[0].node.id).not.toBe(ids[0]);

    const { createUserToken } = await run(shop.api, CreateUserTokenDocument, { userId, ttlSeconds: 600 });
    const asUser = await run(client(kassa.graphqlUrl, createUserToken.token), InvoicesDocument, {
      first: 50,
      filter: inRange,
    });
    expect(asUser.invoices.edges.map((e) => e.node.id)).toEqual([ids[4], ids[2], ids[0]]);
  });

  it('needs invoices:read', async () => {
    const { createApiKey } = await run(shop.api, CreateApiKeyDocument, {
      input: { label: 'writer', scopes: ['invoices:write'] },
    });
    await expectCode(
      run(client(kassa.graphqlUrl, createApiKey.secret), InvoicesDocument, { first: 1 }),
      'FORBIDDEN',
    );
    await expectCode(run(client(kassa.graphqlUrl), InvoicesDocument, { first: 1 }), 'UNAUTHENTICATED');
  });
});

describe('markInvoice', () => {
  it('marks SETTLED with exception MARKED, once; then refuses INVALID with CONFLICT', async () => {
    const invoice = await create(shop, { price: '9', currency: 'EUR' });
    const { markInvoice } = await run(shop.api, MarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' });
    expect(markInvoice).toMatchObject({ id: invoice.id, status: 'SETTLED', exceptionStatus: 'MARKED' });
    expect(await countEvents(sql, invoice.id, 'invoice.settled')).toBe(1);
    expect(await countEvents(sql, invoice.id, 'invoice.marked')).toBe(1);

    // Marking again with the same status is a no-op, not a second event.
    const again = await run(shop.api, MarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' });
    expect(again.markInvoice.status).toBe('SETTLED');
    expect(await countEvents(sql, invoice.id, 'invoice.settled')).toBe(1);

    await expectCode(run(shop.api, MarkInvoiceDocument, { id: invoice.id, status: 'INVALID' }), 'CONFLICT');
    const { invoice: after } = await run(shop.api, InvoiceDocument, { id: invoice.id });
    expect(after).toMatchObject({ status: 'SETTLED', exceptionStatus: 'MARKED' });
    expect(await countEvents(sql, invoice.id, 'invoice.invalid')).toBe(0);
  });

  it("answers the store's name on the marked invoice", async () => {
    const invoice = await create(shop, { price: '9', currency: 'EUR', assets: ['ETH'] });
    const { markInvoice } = await run(shop.api, MarkInvoiceStoreNameDocument, {
      id: invoice.id,
      status: 'SETTLED',
    });
    expect(markInvoice).toEqual({ id: invoice.id, storeName: 'Query store' });
  });

  it('marks INVALID, then refuses SETTLED with CONFLICT', async () => {
    const invoice = await create(shop, { price: '9', currency: 'EUR' });
    const { markInvoice } = await run(shop.api, MarkInvoiceDocument, { id: invoice.id, status: 'INVALID' });
    expect(markInvoice).toMatchObject({ status: 'INVALID', exceptionStatus: 'MARKED' });
    await expectCode(run(shop.api, MarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' }), 'CONFLICT');
  });

  it("refuses another store's invoice with NOT_FOUND, and callers without invoices:write", async () => {
    const invoice = await create(shop, { price: '9', currency: 'EUR' });
    await expectCode(run(rival.api, MarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' }), 'NOT_FOUND');
    await expectCode(
      run(shop.api, MarkInvoiceDocument, { id: 'no-such-invoice', status: 'SETTLED' }),
      'NOT_FOUND',
    );
    const { createApiKey } = await run(shop.api, CreateApiKeyDocument, {
      input: { label: 'read only', scopes: ['invoices:read'] },
    });
    await expectCode(
      run(client(kassa.graphqlUrl, createApiKey.secret), MarkInvoiceDocument, {
        id: invoice.id,
        status: 'SETTLED',
      }),
      'FORBIDDEN',
    );
    await expectCode(
      run(client(kassa.graphqlUrl), MarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' }),
      'UNAUTHENTICATED',
    );
    const status = await invoiceStatus(sql, invoice.id);
    expect(status).toBe('NEW');
  });
});
