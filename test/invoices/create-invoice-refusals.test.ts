import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateApiKeyDocument,
  CreateInvoiceDocument,
  type CreateInvoiceInput,
  CreateUserDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { makeStore, scalar, sqlPool, type TestStore, writeSnapshot } from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let shop: TestStore;
let other: TestStore;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  sql = sqlPool(db.url);
  shop = await makeStore(kassa, db.url, 'Refusing store', 0);
  other = await makeStore(kassa, db.url, 'Other store', 1);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

function create(store: TestStore, input: CreateInvoiceInput) {
  return run(store.api, CreateInvoiceDocument, { input }).then((r) => r.createInvoice);
}

describe('createInvoice refusals: typed errors and no rows written', () => {
  let noWallets: TestStore;
  let otherUserId: string;

  beforeAll(async () => {
    noWallets = await makeStore(kassa, db.url, 'No wallets');
    const { createUser } = await run(other.api, CreateUserDocument, {
      input: { externalId: 'someone-else' },
    });
    otherUserId = createUser.id;
  });

  async function refused(store: TestStore, input: CreateInvoiceInput, code: string) {
    const before = await writeSnapshot(sql);
    const refills = await scalar(
      sql,
      `SELECT count(*)::int FROM pgboss.job WHERE name = 'wallet.refill-pool'`,
    );
    const error = await expectCode(create(store, input), code);
    expect(await writeSnapshot(sql), `${JSON.stringify(input)} wrote nothing`).toEqual(before);
    expect(await scalar(sql, `SELECT count(*)::int FROM pgboss.job WHERE name = 'wallet.refill-pool'`)).toBe(
      refills,
    );
    return error;
  }

  it.each([
    ['-1', 'EUR'],
    ['0', 'EUR'],
    ['0.00', 'EUR'],
    ['1e5', 'EUR'],
    ['abc', 'EUR'],
    ['', 'EUR'],
    ['99999999999999', 'EUR'],
    ['1000000000000.01', 'EUR'],
    ['1.001', 'EUR'],
    ['10.5', 'JPY'],
    ['0.000000001', 'BTC'],
    ['10', 'EURO'],
    ['10', 'XYZ'],
    ['10', 'E'],
    ['10', 'eur!'],
  ])('refuses price %j in %j with VALIDATION', async (price, currency) => {
    await refused(shop, { price, currency }, 'VALIDATION');
  });

  it('refuses unknown assets with UNKNOWN_ASSET and an empty asset list with VALIDATION', async () => {
    const error = await refused(
      shop,
      { price: '10', currency: 'EUR', assets: ['BTC', 'DOGE'] },
      'UNKNOWN_ASSET',
    );
    expect(error.extensions?.assets).toEqual(['DOGE']);
    await refused(shop, { price: '10', currency: 'EUR', assets: [] }, 'VALIDATION');
  });

  it('refuses with NO_WALLET when the store has no wallet for the asset, or none at all', async () => {
    await refused(shop, { price: '10', currency: 'EUR', assets: ['BCH'] }, 'NO_WALLET');
    await refused(noWallets, { price: '10', currency: 'EUR' }, 'NO_WALLET');
  });

  it("refuses another store's user with NOT_FOUND, and a malformed user id with VALIDATION", async () => {
    await refused(shop, { price: '10', currency: 'EUR', userId: otherUserId }, 'NOT_FOUND');
    await refused(shop, { price: '10', currency: 'EUR', userId: randomUUID() }, 'NOT_FOUND');
    await refused(shop, { price: '10', currency: 'EUR', userId: 'buyer-1' }, 'VALIDATION');
  });

  it('refuses malformed details with VALIDATION', async () => {
    const base = { price: '10', currency: 'EUR' };
    const cases: CreateInvoiceInput[] = [
      { ...base, metadata: [1, 2, 3] },
      { ...base, metadata: 'text' },
      { ...base, metadata: { blob: 'x'.repeat(9000) } },
      { ...base, redirectUrl: 'javascript:alert(1)' },
      { ...base, redirectUrl: 'not a url' },
      { ...base, notificationUrl: 'ftp://shop.example/hook' },
      { ...base, orderId: 'x'.repeat(101) },
      { ...base, orderId: 'line\nbreak' },
      { ...base, orderId: '' },
      { ...base, description: 'd'.repeat(1001) },
      { ...base, expirationMinutes: 0 },
      { ...base, expirationMinutes: -5 },
      { ...base, monitoringMinutes: -1 },
      { ...base, paymentTolerancePercent: '101' },
      { ...base, paymentTolerancePercent: '-1' },
    ];
    for (const input of cases) await refused(shop, input, 'VALIDATION');
  });

  it('refuses callers without invoices:write', async () => {
    const { createApiKey } = await run(shop.api, CreateApiKeyDocument, {
      input: { label: 'reader', scopes: ['invoices:read'] },
    });
    const reader = { ...shop, api: client(kassa.graphqlUrl, createApiKey.secret) };
    await refused(reader, { price: '10', currency: 'EUR' }, 'FORBIDDEN');
    const anonymous = { ...shop, api: client(kassa.graphqlUrl) };
    await refused(anonymous, { price: '10', currency: 'EUR' }, 'UNAUTHENTICATED');
  });
});
