import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChainsConfig } from '../../src/chains/chains-config.ts';
import { CreateInvoiceDocument, RatesDocument } from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { makeStore, sqlPool, type TestStore, writeSnapshot } from './support.ts';

/**
 * The test chains plus DAI on Ethereum, an asset the fixed rate provider has no rate for: every
 * invoice that would accept it must be refused with RATE_UNAVAILABLE.
 */
function chainsWithUnpricedAsset() {
  const raw = JSON.parse(readFileSync(TEST_CHAINS_PATH, 'utf8'));
  raw.assets.DAI_ETH = {
    name: 'Dai',
    chain: 'ethereum',
    decimals: 18,
    token: '0x6B175474E89094C44Da98b954EedeAC495271d0F',
    rateSymbol: 'DAI',
    confirmations: { confirmations: 12 },
  };
  return parseChainsConfig(raw);
}

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let store: TestStore;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, {}, { chains: chainsWithUnpricedAsset() });
  sql = sqlPool(db.url);
  store = await makeStore(kassa, db.url, 'Rates store', 0);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

describe('rates(pairs)', () => {
  it('answers configured pairs in the order asked, with their source', async () => {
    const { rates } = await run(store.api, RatesDocument, { pairs: ['BTC/EUR', 'ETH/BTC', 'usdt/usd'] });
    expect(rates.map(({ pair, base, quote, rate, source }) => ({ pair, base, quote, rate, source }))).toEqual(
      [
        { pair: 'BTC/EUR', base: 'BTC', quote: 'EUR', rate: '60000', source: 'fixed' },
        { pair: 'ETH/BTC', base: 'ETH', quote: 'BTC', rate: '0.05', source: 'fixed' },
        { pair: 'USDT/USD', base: 'USDT', quote: 'USD', rate: '1', source: 'fixed' },
      ],
    );
    for (const r of rates) expect(Number.isNaN(Date.parse(r.fetchedAt))).toBe(false);
  });

  it('refuses a pair no source has with RATE_UNAVAILABLE naming it', async () => {
    const error = await expectCode(
      run(store.api, RatesDocument, { pairs: ['BTC/EUR', 'DAI/EUR'] }),
      'RATE_UNAVAILABLE',
    );
    expect(error.extensions?.pairs).toEqual(['DAI/EUR']);
  });

  it('refuses malformed or too many pairs with VALIDATION, and callers without a key', async () => {
    await expectCode(run(store.api, RatesDocument, { pairs: ['BTCEUR'] }), 'VALIDATION');
    await expectCode(run(store.api, RatesDocument, { pairs: [] }), 'VALIDATION');
    await expectCode(
      run(store.api, RatesDocument, { pairs: Array.from({ length: 51 }, () => 'BTC/EUR') }),
      'VALIDATION',
    );
    await expectCode(run(client(kassa.graphqlUrl), RatesDocument, { pairs: ['BTC/EUR'] }), 'UNAUTHENTICATED');
  });
});

describe('createInvoice without a rate', () => {
  it('refuses with RATE_UNAVAILABLE when an accepted asset has no rate, writing nothing', async () => {
    const before = await writeSnapshot(sql);
    // By default every asset with a wallet is accepted, DAI_ETH included.
    const byDefault = await expectCode(
      run(store.api, CreateInvoiceDocument, { input: { price: '10', currency: 'EUR' } }),
      'RATE_UNAVAILABLE',
    );
    expect(byDefault.extensions?.pairs).toEqual(['DAI/EUR']);
    await expectCode(
      run(store.api, CreateInvoiceDocument, { input: { price: '10', currency: 'EUR', assets: ['DAI_ETH'] } }),
      'RATE_UNAVAILABLE',
    );
    // Priced in BTC, USDT_ETH needs USDT/BTC, which the provider lacks.
    await expectCode(
      run(store.api, CreateInvoiceDocument, {
        input: { price: '0.001', currency: 'BTC', assets: ['BTC', 'USDT_ETH'] },
      }),
      'RATE_UNAVAILABLE',
    );
    expect(await writeSnapshot(sql)).toEqual(before);
  });

  it('still prices invoices that accept only assets with rates', async () => {
    const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
      input: { price: '10', currency: 'EUR', assets: ['BTC', 'ETH'] },
    });
    expect(createInvoice.paymentMethods.map((m) => [m.asset, m.amountDue])).toEqual([
      ['BTC', '16667'],
      ['ETH', '3333333333333334'],
    ]);
  });
});
