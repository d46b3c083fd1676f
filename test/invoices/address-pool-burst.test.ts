import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateInvoiceDocument, InvoiceDocument } from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { capturingLogger, makeStore, scalar, sqlPool, type TestStore } from './support.ts';

// The smallest pool Kassa accepts, so a burst of creates outruns it before any refill job runs.
const POOL_SIZE = 20;
const BURST = 45;

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let store: TestStore;
const logs = capturingLogger('warn');

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(
    db.url,
    { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH, KASSA_ADDRESS_POOL_SIZE: String(POOL_SIZE) },
    { logger: logs.logger },
  );
  sql = sqlPool(db.url);
  store = await makeStore(kassa, db.url, 'Burst store', 0);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

describe('a burst of creates larger than the address pool', () => {
  it('still gives every invoice its own addresses, derived on the request path only when the pool ran dry, indexes dense', async () => {
    const created = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        run(store.api, CreateInvoiceDocument, { input: { price: `${20 + i}`, currency: 'EUR' } }),
      ),
    );
    const invoices = created.map((r) => r.createInvoice);
    for (const asset of ['BTC', 'ETH']) {
      const addresses = invoices.map((i) => i.paymentMethods.find((m) => m.asset === asset)!.address);
      expect(new Set(addresses).size).toBe(BURST);
    }
    // The pool emptied, and the creates that found it empty said so.
    expect(
      logs.lines.filter((l) => /derived on the request path/.test(String(l.msg))).length,
    ).toBeGreaterThan(0);

    // Every handed-out address belongs to exactly one open invoice, and no index was skipped.
    const { rows } = await sql.query<{ chain: string; taken: number; invoices: number; gaps: number }>(
      `SELECT a.chain, count(*)::int AS taken, count(DISTINCT a."invoiceId")::int AS invoices,
              (max(a."derivationIndex") + 1 - count(*))::int AS gaps
       FROM "Address" a WHERE a."storeId" = $1 AND a.state = 'INVOICE' GROUP BY a.chain ORDER BY a.chain`,
      [store.id],
    );
    expect(rows).toEqual([
      { chain: 'bitcoin', taken: BURST, invoices: BURST, gaps: 0 },
      { chain: 'ethereum', taken: BURST, invoices: BURST, gaps: 0 },
    ]);
    const derived = await scalar(
      sql,
      `SELECT count(*)::int FROM "Address" a JOIN "Wallet" w ON w.id = a."walletId"
       WHERE w."storeId" = $1 AND a."derivationIndex" >= w."nextIndex"`,
      [store.id],
    );
    expect(derived).toBe(0);
  });

  it('answers a repeated orderId with its invoice while a pool is empty, deriving nothing for it', async () => {
    const input = { price: '9', currency: 'EUR', orderId: 'dry-repeat' };
    const first = (await run(store.api, CreateInvoiceDocument, { input })).createInvoice;
    await sql.query(`DELETE FROM "Address" WHERE "storeId" = $1 AND chain = 'bitcoin' AND state = 'FREE'`, [
      store.id,
    ]);
    const requestPathDerivations = () =>
      logs.lines.filter((l) => /derived on the request path/.test(String(l.msg))).length;
    const before = requestPathDerivations();
    const again = (await run(store.api, CreateInvoiceDocument, { input })).createInvoice;
    expect(again.id).toBe(first.id);
    expect(requestPathDerivations()).toBe(before);
  });

  it('answers a create with exactly what a later read of the invoice returns', async () => {
    const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
      input: {
        price: '12.50',
        currency: 'EUR',
        orderId: 'burst-read-back',
        description: 'Two mugs',
        metadata: { sku: ['mug', 'mug'] },
        redirectUrl: 'https://shop.example/thanks',
      },
    });
    const { invoice } = await run(store.api, InvoiceDocument, { id: createInvoice.id });
    expect(invoice).toEqual(createInvoice);
  });
});
