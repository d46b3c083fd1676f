import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateInvoiceDocument, WalletsDocument } from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { capturingLogger, makeStore, scalar, sqlPool, type TestStore, until, VECTORS } from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let store: TestStore;
const logs = capturingLogger('warn');

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { logger: logs.logger });
  sql = sqlPool(db.url);
  store = await makeStore(kassa, db.url, 'Pool store', 0);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

interface PoolState {
  nextIndex: number;
  free: number;
  invoice: number;
  indexes: number[];
}

async function poolOf(walletId: string): Promise<PoolState> {
  const { rows } = await sql.query<{ nextIndex: number; state: string; derivationIndex: number }>(
    `SELECT w."nextIndex", a.state::text, a."derivationIndex"
     FROM "Wallet" w JOIN "Address" a ON a."walletId" = w.id WHERE w.id = $1 ORDER BY a."derivationIndex"`,
    [walletId],
  );
  return {
    nextIndex: rows[0]?.nextIndex ?? 0,
    free: rows.filter((r) => r.state === 'FREE').length,
    invoice: rows.filter((r) => r.state === 'INVOICE').length,
    indexes: rows.map((r) => r.derivationIndex),
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('address pool', () => {
  let btcWallet: string;
  let ethWallet: string;
  let poolTarget: number;

  beforeAll(async () => {
    const { wallets } = await run(store.api, WalletsDocument);
    btcWallet = wallets.find((w) => w.chain === 'bitcoin')!.id;
    ethWallet = wallets.find((w) => w.chain === 'ethereum')!.id;
    poolTarget = wallets[0].derivedCount;
  });

  it('is derived when the wallet is added: every derived address waits FREE, indexes dense from 0', async () => {
    expect(poolTarget).toBeGreaterThanOrEqual(50);
    for (const walletId of [btcWallet, ethWallet]) {
      const pool = await poolOf(walletId);
      expect(pool).toEqual({
        nextIndex: poolTarget,
        free: poolTarget,
        invoice: 0,
        indexes: range(poolTarget),
      });
    }
  });

  it('gives 50 concurrent invoices 50 distinct BTC and 50 distinct ETH addresses, lowest indexes first, none derived on the request path', async () => {
    const created = await Promise.all(
      range(50).map((i) =>
        run(store.api, CreateInvoiceDocument, { input: { price: `${10 + i}`, currency: 'EUR' } }),
      ),
    );
    const invoices = created.map((r) => r.createInvoice);
    expect(new Set(invoices.map((i) => i.id)).size).toBe(50);
    const addressOf = (asset: string) =>
      invoices.map((i) => i.paymentMethods.find((m) => m.asset === asset)!.address);
    const btc = addressOf('BTC');
    const eth = addressOf('ETH');
    expect(new Set(btc).size).toBe(50);
    expect(new Set(eth).size).toBe(50);
    // The token shares its chain's address on each invoice.
    expect(addressOf('USDT_ETH')).toEqual(eth);
    expect(btc).toContain(VECTORS.bip84First);
    expect(eth).toContain(VECTORS.ethFirst);

    // In the database: one open invoice per address, exactly the 50 lowest indexes.
    const { rows } = await sql.query<{
      chain: string;
      invoices: number;
      addresses: number;
      maxIndex: number;
    }>(
      `SELECT chain, count(DISTINCT "invoiceId")::int AS invoices, count(*)::int AS addresses,
              max("derivationIndex")::int AS "maxIndex"
       FROM "Address" WHERE "storeId" = $1 AND state = 'INVOICE' GROUP BY chain ORDER BY chain`,
      [store.id],
    );
    expect(rows).toEqual([
      { chain: 'bitcoin', invoices: 50, addresses: 50, maxIndex: 49 },
      { chain: 'ethereum', invoices: 50, addresses: 50, maxIndex: 49 },
    ]);
    const methodsPerAddress = await scalar(
      sql,
      `SELECT max(n)::int FROM (SELECT count(DISTINCT "invoiceId") AS n FROM "PaymentMethod" GROUP BY chain, address) t`,
    );
    expect(methodsPerAddress).toBe(1);
    expect(logs.lines.filter((l) => /request path/.test(String(l.msg)))).toEqual([]);
  });

  it('is refilled by the worker afterwards: nextIndex raised, every unused address FREE, indexes dense', {
    timeout: 120_000,
  }, async () => {
    // The worker drains the refill queue by polling, so this can take a few poll intervals.
    for (const walletId of [btcWallet, ethWallet]) {
      await until(
        async () => (await poolOf(walletId)).nextIndex > 50,
        `a refill of wallet ${walletId}`,
        45_000,
      );
    }
    const derived: number[] = [];
    for (const walletId of [btcWallet, ethWallet]) {
      const pool = await poolOf(walletId);
      expect(pool.invoice).toBe(50);
      expect(pool.nextIndex).toBeGreaterThan(50);
      expect(pool.free).toBe(pool.nextIndex - 50);
      // Refills run at the low-water mark (half the pool size of 50 left above the address just taken).
      expect(pool.free).toBeGreaterThanOrEqual(20);
      expect(pool.indexes).toEqual(range(pool.nextIndex));
      derived.push(pool.nextIndex);
    }
    const { wallets } = await run(store.api, WalletsDocument);
    expect(wallets.map((w) => w.derivedCount)).toEqual([derived[1], derived[0]]);
  });

  it('keeps handing out the lowest free index after a refill', async () => {
    const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
      input: { price: '5', currency: 'EUR', assets: ['BTC'] },
    });
    const index = await scalar(
      sql,
      `SELECT "derivationIndex" FROM "Address" WHERE "invoiceId" = $1 AND chain = 'bitcoin'`,
      [createInvoice.id],
    );
    expect(index).toBe(50);
  });
});
