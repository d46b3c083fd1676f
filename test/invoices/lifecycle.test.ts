import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueInvoices } from '../../src/app/expire-due-invoices.ts';
import {
  CreateInvoiceDocument,
  type CreateInvoiceInput,
  InvoiceDocument,
  MarkInvoiceDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import {
  Clock,
  countEvents,
  deadlineJobStates,
  invoiceStatus,
  makeDeadlineDue,
  makeStore,
  scalar,
  sqlPool,
  type TestStore,
  until,
} from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
const clock = new Clock();

const start = () => startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { now: clock.now });

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await start();
  sql = sqlPool(db.url);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

/** The store's client on the Kassa running now (a restart changes the port). */
const api = (store: TestStore) => client(kassa.graphqlUrl, store.secret);

async function create(store: TestStore, input: CreateInvoiceInput = { price: '10', currency: 'EUR' }) {
  return (await run(api(store), CreateInvoiceDocument, { input })).createInvoice;
}

async function statusOf(store: TestStore, id: string) {
  const { invoice } = await run(api(store), InvoiceDocument, { id });
  return invoice!;
}

/** Waits, without any request touching the invoice, until the database shows `status`. */
function untilStatus(id: string, status: string, timeoutMs = 30_000) {
  return until(
    async () => (await invoiceStatus(sql, id)) === status,
    `invoice ${id} to become ${status}`,
    timeoutMs,
  );
}

function untilJobIdsDone(ids: Array<string | null>) {
  expect(ids.every((id) => id !== null)).toBe(true);
  return until(
    async () =>
      (await scalar(
        sql,
        `SELECT count(*)::int FROM pgboss.job WHERE id = ANY($1::uuid[]) AND state = 'completed'`,
        [ids],
      )) === ids.length,
    `deadline jobs ${ids.join(', ')} to complete`,
    30_000,
  );
}

async function addressRow(chain: string, address: string) {
  const { rows } = await sql.query<{ state: string; invoiceId: string | null }>(
    `SELECT state::text, "invoiceId" FROM "Address" WHERE chain = $1 AND address = $2`,
    [chain, address],
  );
  return rows[0];
}

const addressOf = (invoice: Awaited<ReturnType<typeof create>>, asset: string) =>
  invoice.paymentMethods.find((m) => m.asset === asset)!.address;

/** Moves the app clock past the expiry; the worker's deadline sweep (every second) does the rest. */
function passExpiry(invoice: { expiresAt: string }) {
  clock.set(new Date(Date.parse(invoice.expiresAt) + 1000));
}

/** A sweep run here and now, besides the one the worker runs every second; how many changed. */
const sweep = async () => (await expireDueInvoices(kassa.app.services!)).changed;

describe('expiry by the deadline sweep', { timeout: 90_000 }, () => {
  let store: TestStore;
  beforeAll(async () => {
    clock.set(new Date());
    store = await makeStore(kassa, db.url, 'Expiry store', 0);
  });

  it('expires an unpaid invoice at its deadline without any request, exactly once while sweeps race', async () => {
    const invoice = await create(store);
    expect(await sweep()).toBe(0);
    expect((await statusOf(store, invoice.id)).status).toBe('NEW');

    passExpiry(invoice);
    // Three sweeps race the worker's own, and so do two monitoring-end jobs (also what an earlier
    // version's per-invoice deadline jobs do when they run after an upgrade).
    const jobs = kassa.app.services!.jobs;
    const [changed, extra] = await Promise.all([
      Promise.all([sweep(), sweep(), sweep()]),
      Promise.all([
        jobs.send('invoice.deadline', { invoiceId: invoice.id }, { singletonKey: `${invoice.id}:race-1` }),
        jobs.send('invoice.deadline', { invoiceId: invoice.id }, { singletonKey: `${invoice.id}:race-2` }),
      ]),
    ]);
    expect(changed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    await untilStatus(invoice.id, 'EXPIRED');
    await untilJobIdsDone(extra);
    expect(await countEvents(sql, invoice.id, 'invoice.expired')).toBe(1);

    const after = await statusOf(store, invoice.id);
    expect(after).toMatchObject({ status: 'EXPIRED', exceptionStatus: 'NONE' });
    // Still watched for late payments: the addresses stay with the invoice until monitoring ends.
    expect(await addressRow('bitcoin', addressOf(invoice, 'BTC'))).toEqual({
      state: 'INVOICE',
      invoiceId: invoice.id,
    });
    expect(await deadlineJobStates(sql, `${invoice.id}:monitoring`)).toContain('created');

    // Yet another sweep later changes nothing.
    expect(await sweep()).toBe(0);
    expect(await countEvents(sql, invoice.id, 'invoice.expired')).toBe(1);
  });

  it('leaves an invoice marked SETTLED alone when its deadline comes', async () => {
    clock.set(new Date());
    const marked = await create(store);
    await run(api(store), MarkInvoiceDocument, { id: marked.id, status: 'SETTLED' });
    passExpiry(marked);
    expect(await sweep()).toBe(0);
    expect(await statusOf(store, marked.id)).toMatchObject({ status: 'SETTLED', exceptionStatus: 'MARKED' });
    expect(await countEvents(sql, marked.id, 'invoice.expired')).toBe(0);
  });

  it('expires invoices whose deadline passed while Kassa was stopped, once it starts again', async () => {
    clock.set(new Date());
    const invoice = await create(store);
    await kassa.stop();
    // The deadline passes while nothing runs.
    passExpiry(invoice);
    kassa = await start();
    await untilStatus(invoice.id, 'EXPIRED');
    expect(await countEvents(sql, invoice.id, 'invoice.expired')).toBe(1);
  });

  it('expires an invoice on a new process when the deadline comes after a restart', async () => {
    clock.set(new Date());
    const invoice = await create(store);
    await kassa.stop();
    kassa = await start();
    passExpiry(invoice);
    await untilStatus(invoice.id, 'EXPIRED');
    expect(await countEvents(sql, invoice.id, 'invoice.expired')).toBe(1);
  });

  it('expires the other due invoices when one of them cannot be processed, and reports that one', async () => {
    clock.set(new Date());
    const broken = await create(store);
    const fine = await create(store);
    // A row the lifecycle refuses (its tolerance is over 100%): its transaction fails every time.
    await sql.query(`UPDATE "Invoice" SET "paymentTolerancePercent" = 150 WHERE id = $1`, [broken.id]);
    passExpiry(fine);
    const { failed } = await expireDueInvoices(kassa.app.services!);
    expect(failed.map((f) => f.invoiceId)).toContain(broken.id);
    await untilStatus(fine.id, 'EXPIRED');
    expect(await invoiceStatus(sql, broken.id)).toBe('NEW');
    expect(await countEvents(sql, broken.id, 'invoice.expired')).toBe(0);
    // Out of the way of later tests: the lifecycle accepts the row again, and it expires.
    await sql.query(`UPDATE "Invoice" SET "paymentTolerancePercent" = 0 WHERE id = $1`, [broken.id]);
    await untilStatus(broken.id, 'EXPIRED', 30_000);
  });

  it("goes by Kassa's clock: not a moment before the deadline, then at the next sweep", async () => {
    clock.set(new Date());
    const invoice = await create(store);
    clock.set(new Date(Date.parse(invoice.expiresAt) - 2000));
    expect(await sweep()).toBe(0);
    expect((await statusOf(store, invoice.id)).status).toBe('NEW');

    clock.set(new Date(Date.parse(invoice.expiresAt) + 1));
    await untilStatus(invoice.id, 'EXPIRED', 30_000);
    expect(await countEvents(sql, invoice.id, 'invoice.expired')).toBe(1);
  });
});

describe('addresses going back to the pool', { timeout: 90_000 }, () => {
  it('returns the UTXO and EVM addresses of an unpaid expired invoice only when monitoring ends, then hands them out again', async () => {
    clock.set(new Date());
    const store = await makeStore(kassa, db.url, 'Gap store', 5);
    const first = await create(store);
    const btc = addressOf(first, 'BTC');
    const eth = addressOf(first, 'ETH');

    passExpiry(first);
    await untilStatus(first.id, 'EXPIRED');
    expect(await addressRow('bitcoin', btc)).toEqual({ state: 'INVOICE', invoiceId: first.id });
    expect(await addressRow('ethereum', eth)).toEqual({ state: 'INVOICE', invoiceId: first.id });

    // Within the monitoring window a late payment must still find the invoice: no reuse yet.
    const second = await create(store);
    expect(addressOf(second, 'BTC')).not.toBe(btc);
    expect(addressOf(second, 'ETH')).not.toBe(eth);

    // The monitoring window ends.
    clock.set(new Date(Date.parse(first.monitoringEndsAt) + 1000));
    expect(await makeDeadlineDue(sql, `${first.id}:monitoring`)).toBe(1);
    await until(
      async () => (await addressRow('bitcoin', btc)).state === 'FREE',
      'the BTC address to go back to the pool',
      30_000,
    );
    expect(await addressRow('bitcoin', btc)).toEqual({ state: 'FREE', invoiceId: null });
    expect(await addressRow('ethereum', eth)).toEqual({ state: 'FREE', invoiceId: null });
    expect((await statusOf(store, first.id)).status).toBe('EXPIRED');
    expect(await countEvents(sql, first.id, 'invoice.expired')).toBe(1);

    const third = await create(store);
    expect(addressOf(third, 'BTC')).toBe(btc);
    expect(addressOf(third, 'ETH')).toBe(eth);
    expect(await addressRow('bitcoin', btc)).toEqual({ state: 'INVOICE', invoiceId: third.id });
  });

  it('serves one open invoice per EVM address, and hands it to the next invoice once closed', async () => {
    clock.set(new Date());
    const store = await makeStore(kassa, db.url, 'EVM store', 6);
    const first = await create(store, { price: '5', currency: 'EUR', assets: ['ETH', 'USDT_ETH'] });
    const eth = addressOf(first, 'ETH');
    const second = await create(store, { price: '5', currency: 'EUR', assets: ['ETH'] });
    expect(addressOf(second, 'ETH')).not.toBe(eth);

    await run(api(store), MarkInvoiceDocument, { id: first.id, status: 'INVALID' });
    expect(await addressRow('ethereum', eth)).toEqual({ state: 'FREE', invoiceId: null });

    const third = await create(store, { price: '5', currency: 'EUR', assets: ['USDT_ETH'] });
    expect(addressOf(third, 'USDT_ETH')).toBe(eth);
    // The second invoice is still open and keeps its own address.
    expect(await addressRow('ethereum', addressOf(second, 'ETH'))).toEqual({
      state: 'INVOICE',
      invoiceId: second.id,
    });
  });

  it('never hands the UTXO address of an invoice marked SETTLED to another invoice', async () => {
    clock.set(new Date());
    const store = await makeStore(kassa, db.url, 'Settled store', 7);
    const paid = await create(store, { price: '5', currency: 'EUR', assets: ['BTC'] });
    const btc = addressOf(paid, 'BTC');
    await run(api(store), MarkInvoiceDocument, { id: paid.id, status: 'SETTLED' });
    // A fresh address per invoice: only invoices that expired unpaid give theirs back.
    const next = await create(store, { price: '5', currency: 'EUR', assets: ['BTC'] });
    expect(addressOf(next, 'BTC')).not.toBe(btc);
  });
});
