import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddWalletDocument,
  CreateInvoiceDocument,
  UpdateStoreDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { makeStore, pubAt, sqlPool, type TestStore, until } from './support.ts';

// Two api processes (two Kassa instances, each with its own store cache) on one database.
let db: TestDatabase;
let first: RunningKassa;
let second: RunningKassa;
let sql: pg.Pool;
let store: TestStore;

beforeAll(async () => {
  db = await createTestDatabase();
  first = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  second = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  sql = sqlPool(db.url);
  store = await makeStore(first, db.url, 'Changing store', 3);
});

afterAll(async () => {
  await sql?.end();
  await second?.stop();
  await first?.stop();
  await db?.drop();
});

describe('store changes reach invoice creation in every api process', () => {
  it('uses new store settings at once in the changing process and shortly after in the other', async () => {
    const other = client(second.graphqlUrl, store.secret);
    // Both processes have read (and cached) the store.
    for (const api of [store.api, other]) await run(api, CreateInvoiceDocument, { input: { price: '1' } });

    await run(store.api, UpdateStoreDocument, {
      input: { defaultCurrency: 'USD', expirationMinutes: 30, paymentTolerancePercent: '1.5' },
    });
    const here = (await run(store.api, CreateInvoiceDocument, { input: { price: '2' } })).createInvoice;
    expect(here.currency).toBe('USD');
    expect(here.paymentTolerancePercent).toBe('1.5');
    expect(new Date(here.expiresAt).getTime() - new Date(here.createdAt).getTime()).toBe(30 * 60_000);

    const there = await until(async () => {
      const { createInvoice } = await run(other, CreateInvoiceDocument, { input: { price: '3' } });
      return createInvoice.currency === 'USD' ? createInvoice : undefined;
    }, 'the other process to use the new default currency');
    expect(there.paymentTolerancePercent).toBe('1.5');
  });

  it('sends new invoices to a wallet added through the other process', async () => {
    const other = client(second.graphqlUrl, store.secret);
    const before = (await run(store.api, CreateInvoiceDocument, { input: { price: '4', assets: ['BTC'] } }))
      .createInvoice;
    const { addWallet } = await run(other, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/4'"), scriptType: 'p2wpkh' },
    });
    const walletOf = async (invoiceId: string) =>
      (
        await sql.query<{ walletId: string }>(
          `SELECT "walletId"::text FROM "Address" WHERE "invoiceId" = $1 AND chain = 'bitcoin'`,
          [invoiceId],
        )
      ).rows[0].walletId;
    expect(await walletOf(before.id)).not.toBe(addWallet.id);
    await until(async () => {
      const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
        input: { price: '5', assets: ['BTC'] },
      });
      return (await walletOf(createInvoice.id)) === addWallet.id;
    }, 'an invoice of the first process on the new wallet');
  });
});
