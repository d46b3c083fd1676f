import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvObjects, parseCsv } from './csv.ts';
import {
  ChainDriver,
  insertInvoice,
  type LedgerStore,
  type LedgerWorld,
  seedLedgerStore,
  seedUser,
  startLedgerWorld,
} from './support.ts';

let world: LedgerWorld;
let chain: ChainDriver;
let store: LedgerStore;
let user: Awaited<ReturnType<typeof seedUser>>;
let deposit: string;
let invoiceId: string;
let afterDetection: Date;

async function report(path: string, key?: string) {
  const response = await fetch(`${world.kassa.url}${path}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

beforeAll(async () => {
  world = await startLedgerWorld();
  chain = new ChainDriver(world.services);
  store = await seedLedgerStore(world.services, 'Bookkeeping');
  user = await seedUser(world.services, store.id, '=HYPERLINK("x"),1');
  deposit = await chain.detect({ storeId: store.id, userId: user.id, amount: 150_000n });
  afterDetection = new Date();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await chain.mine([deposit]);
  invoiceId = await insertInvoice(world.sql, {
    storeId: store.id,
    userId: user.id,
    orderId: 'order "7", blue',
    price: '60',
    methods: [{ asset: 'BTC', amountDue: 100_000n, rate: '60000' }],
  });
  const paid = await chain.detect({ storeId: store.id, invoiceId, amount: 100_000n });
  await chain.mine([paid]);
});

afterAll(async () => {
  await world?.stop();
});

describe('CSV reports over HTTP', () => {
  it('need a store API key with ledger:read', async () => {
    expect((await report('/reports/journal.csv')).status).toBe(401);
    expect((await report('/reports/journal.csv', 'sk_nope')).status).toBe(401);
    expect((await report('/reports/journal.csv', user.token)).status).toBe(403);
    expect((await report('/reports/journal.csv', store.noLedgerKey)).status).toBe(403);
    const ok = await report('/reports/journal.csv', store.ledgerKey);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/csv');
    expect((await report('/reports/ledger.csv', store.ledgerKey)).status).toBe(404);
    const bad = await report('/reports/journal.csv?from=yesterday', store.ledgerKey);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.code).toBe('VALIDATION');
    const post = await fetch(`${world.kassa.url}/reports/journal.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${store.ledgerKey}` },
    });
    expect(post.status).toBe(405);
  });

  it('journal: one row per line, debits equal credits per entry, with the columns a bookkeeper expects', async () => {
    const { text } = await report('/reports/journal.csv', store.ledgerKey);
    const rows = csvObjects(text);
    expect(parseCsv(text)[0]).toEqual([
      'entry_id',
      'created_at',
      'kind',
      'status',
      'account',
      'account_user_id',
      'part',
      'asset',
      'debit',
      'credit',
      'amount_smallest_units',
      'fiat_currency',
      'rate',
      'fiat_value',
      'txid',
      'output_index',
      'payment_id',
      'invoice_id',
      'order_id',
      'user_id',
      'user_external_id',
      'description',
    ]);
    const entries = Map.groupBy(rows, (r) => r.entry_id);
    expect([...entries.values()].map((lines) => lines[0].kind)).toEqual([
      'DEPOSIT_DETECTED',
      'DEPOSIT_CONFIRMED',
      'PAYMENT_DETECTED',
      'PAYMENT_CONFIRMED',
      'INVOICE_SETTLED',
    ]);
    for (const lines of entries.values()) {
      expect(lines.reduce((s, l) => s + BigInt(l.amount_smallest_units), 0n)).toBe(0n);
      expect(lines.reduce((s, l) => s + Number(l.fiat_value) * 1e8, 0)).toBeCloseTo(0, 3);
    }
    expect(rows[0]).toMatchObject({
      account: 'WALLET',
      part: 'PENDING',
      asset: 'BTC',
      debit: '0.0015',
      credit: '0',
      amount_smallest_units: '150000',
      fiat_currency: 'EUR',
      rate: '60000',
      fiat_value: '90',
      status: 'PENDING',
      output_index: '0',
      payment_id: deposit,
      user_id: user.id,
      user_external_id: `'=HYPERLINK("x"),1`,
    });
    expect(rows[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(rows[0].txid).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.find((r) => r.kind === 'INVOICE_SETTLED')).toMatchObject({
      invoice_id: invoiceId,
      order_id: 'order "7", blue',
    });
  });

  it('balances as of a date: pending before the confirmation, confirmed after, nothing before anything', async () => {
    const at = async (asOf: Date) =>
      csvObjects(
        (
          await report(
            `/reports/balances.csv?as_of=${asOf.toISOString()}&user_id=${user.id}`,
            store.ledgerKey,
          )
        ).text,
      );
    expect(await at(new Date('2020-01-01T00:00:00Z'))).toEqual([]);
    expect(await at(afterDetection)).toMatchObject([
      {
        account: 'USER_BALANCE',
        normal_side: 'CREDIT',
        user_external_id: `'=HYPERLINK("x"),1`,
        pending: '0.0015',
        confirmed: '0',
        total_smallest_units: '150000',
        fiat_currency: 'EUR',
        fiat_value: '90',
      },
    ]);
    expect(await at(new Date())).toMatchObject([
      { pending: '0', confirmed: '0.0015', confirmed_smallest_units: '150000' },
    ]);
    const everything = csvObjects((await report('/reports/balances.csv', store.ledgerKey)).text);
    expect(everything.map((r) => [r.account, r.total_smallest_units])).toEqual([
      ['WALLET', '250000'],
      ['USER_BALANCE', '150000'],
      ['INVOICE_RECEIPTS', '0'],
      ['SALES', '100000'],
    ]);
  });

  it('invoices and payments, with amounts in units and smallest units and fiat values', async () => {
    const invoices = csvObjects((await report('/reports/invoices.csv', store.ledgerKey)).text);
    expect(invoices).toEqual([
      expect.objectContaining({
        invoice_id: invoiceId,
        order_id: 'order "7", blue',
        status: 'SETTLED',
        price: '60',
        currency: 'EUR',
        asset: 'BTC',
        rate: '60000',
        amount_due: '0.001',
        amount_due_smallest_units: '100000',
        paid_confirmed: '0.001',
        paid_confirmed_smallest_units: '100000',
        paid_pending: '0',
        paid_confirmed_value: '60',
      }),
    ]);
    const payments = csvObjects((await report('/reports/payments.csv', store.ledgerKey)).text);
    expect(
      payments.map((p) => [p.status, p.amount, p.amount_smallest_units, p.fiat_value, p.order_id]),
    ).toEqual([
      ['CONFIRMED', '0.0015', '150000', '90', ''],
      ['CONFIRMED', '0.001', '100000', '60', 'order "7", blue'],
    ]);
    const none = csvObjects(
      (await report('/reports/payments.csv?from=2020-01-01&to=2020-01-02', store.ledgerKey)).text,
    );
    expect(none).toEqual([]);
  });

  it('streams a large journal completely, and a client that leaves frees the export', async () => {
    const big = await seedLedgerStore(world.services, 'Big books');
    // 20,000 deposits' worth of lines written straight through the journal's triggers.
    await bulkJournal(big.id, 20_000);
    const { text } = await report('/reports/journal.csv', big.ledgerKey);
    expect(text.split('\r\n').length - 2).toBe(40_000);

    for (let i = 0; i < 3; i++) {
      const abort = new AbortController();
      const response = await fetch(`${world.kassa.url}/reports/journal.csv`, {
        headers: { authorization: `Bearer ${big.ledgerKey}` },
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      abort.abort();
    }
    // Each export notices its client left at its next batch and gives its connection back (the
    // limit is 2 at a time): soon a new one is served, in full.
    let again = await report('/reports/balances.csv', big.ledgerKey);
    for (const deadline = Date.now() + 10_000; again.status === 503 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await report('/reports/balances.csv', big.ledgerKey);
    }
    expect(again.status).toBe(200);
    const { rows } = await world.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'FETCH%FROM report'
       AND state <> 'idle'`,
    );
    expect(rows[0].n).toBe(0);
    expect(csvObjects(again.text).map((r) => r.total_smallest_units)).toEqual(['20000', '20000']);
  });
});

/** `n` balanced deposit entries of 1 unit for one store, inserted with plain SQL. */
async function bulkJournal(storeId: string, n: number): Promise<void> {
  await world.sql.query(
    `INSERT INTO "LedgerAccount" (id, key, "storeId", code, asset)
     VALUES (gen_random_uuid(), $1 || ':WALLET:BTC:-', $1::uuid, 'WALLET', 'BTC'),
            (gen_random_uuid(), $1 || ':UNATTRIBUTED:BTC:-', $1::uuid, 'UNATTRIBUTED', 'BTC')`,
    [storeId],
  );
  await world.sql.query(
    `INSERT INTO "JournalEntry" ("storeId", "idempotencyKey", kind, status, asset, seq, description, amount, "fiatCurrency")
     SELECT $1::uuid, 'bulk:' || g, 'PAYMENT_DETECTED', 'PENDING', 'BTC', 1, 'bulk', 1, 'EUR' FROM generate_series(1, $2) g`,
    [storeId, n],
  );
  await world.sql.query(
    `INSERT INTO "JournalLine" ("entryId", "accountId", part, amount)
     SELECT e.id, a.id, 'PENDING', CASE WHEN a.code = 'WALLET' THEN 1 ELSE -1 END
     FROM "JournalEntry" e CROSS JOIN "LedgerAccount" a
     WHERE e."storeId" = $1 AND a."storeId" = $1 ORDER BY e.id, a.code`,
    [storeId],
  );
}
