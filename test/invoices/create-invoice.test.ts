import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueInvoices } from '../../src/app/expire-due-invoices.ts';
import {
  AddWalletDocument,
  CreateInvoiceDocument,
  type CreateInvoiceInput,
  type CreateInvoiceMutation,
  CreateInvoiceStoreNameDocument,
  CreateUserDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import {
  Clock,
  countEvents,
  invoiceStatus,
  makeStore,
  pubAt,
  scalar,
  sqlPool,
  type TestStore,
  writeSnapshot,
} from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let shop: TestStore;
let other: TestStore;
const clock = new Clock();

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { now: clock.now });
  sql = sqlPool(db.url);
  shop = await makeStore(kassa, db.url, 'Price store', 0);
  other = await makeStore(kassa, db.url, 'Other store', 1);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

type Invoice = CreateInvoiceMutation['createInvoice'];

function create(store: TestStore, input: CreateInvoiceInput): Promise<Invoice> {
  return run(store.api, CreateInvoiceDocument, { input }).then((r) => r.createInvoice);
}

function method(invoice: Invoice, asset: string) {
  const found = invoice.paymentMethods.find((m) => m.asset === asset);
  if (!found) throw new Error(`no ${asset} method on invoice ${invoice.id}`);
  return found;
}

/** value of `units` smallest units at `rate` (price per whole asset), as a scaled bigint pair. */
function decimal(text: string): { coefficient: bigint; scale: number } {
  const [whole, fraction = ''] = text.split('.');
  return { coefficient: BigInt(whole + fraction), scale: fraction.length };
}

/** units × rate ≥ price, and (units − 1) × rate < price: rounded up by less than one unit. */
function expectRoundedUp(units: string, decimals: number, rate: string, price: string) {
  const r = decimal(rate);
  const p = decimal(price);
  // Compare units × r / 10^(decimals + r.scale) with p / 10^p.scale on one common scale.
  const left = (u: bigint) => u * r.coefficient * 10n ** BigInt(p.scale);
  const right = p.coefficient * 10n ** BigInt(decimals + r.scale);
  expect(left(BigInt(units)) >= right, `${units} × ${rate} covers ${price}`).toBe(true);
  expect(left(BigInt(units) - 1n) < right, `${units} is the smallest amount covering ${price}`).toBe(true);
}

describe('createInvoice: prices, rates and payment URIs', () => {
  it('prices 19.99 EUR in every asset with a wallet, rounded up, with BIP21 and EIP-681 URIs', async () => {
    const invoice = await create(shop, { price: '19.99', currency: 'EUR' });
    expect(invoice).toMatchObject({
      status: 'NEW',
      exceptionStatus: 'NONE',
      price: '19.99',
      currency: 'EUR',
    });
    expect(invoice.paymentMethods.map((m) => m.asset)).toEqual(['BTC', 'ETH', 'USDT_ETH']);

    const btc = method(invoice, 'BTC');
    expect(btc).toMatchObject({ chain: 'bitcoin', decimals: 8, amountDue: '33317', rate: '60000' });
    expect(btc.amountPaid).toBe('0');
    expect(btc.amountRemaining).toBe('33317');
    expectRoundedUp(btc.amountDue, 8, btc.rate!, '19.99');
    expect(btc.paymentUri).toBe(`bitcoin:${btc.address}?amount=0.00033317&label=Price%20store`);

    const eth = method(invoice, 'ETH');
    expect(eth).toMatchObject({
      chain: 'ethereum',
      decimals: 18,
      amountDue: '6663333333333334',
      rate: '3000',
    });
    expectRoundedUp(eth.amountDue, 18, eth.rate!, '19.99');
    expect(eth.paymentUri).toBe(`ethereum:${eth.address}@1?value=6663333333333334`);

    const usdt = method(invoice, 'USDT_ETH');
    expect(usdt).toMatchObject({ chain: 'ethereum', decimals: 6, amountDue: '21728261', rate: '0.92' });
    expectRoundedUp(usdt.amountDue, 6, usdt.rate!, '19.99');
    expect(usdt.address).toBe(eth.address);
    expect(usdt.paymentUri).toBe(
      `ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=${eth.address}&uint256=21728261`,
    );
  });

  it('rounds tiny prices up to a whole smallest unit', async () => {
    const invoice = await create(shop, { price: '0.01', currency: 'EUR', assets: ['BTC'] });
    // 0.01 EUR at 60000 EUR/BTC is 16.67 sat.
    expect(method(invoice, 'BTC').amountDue).toBe('17');
  });

  it("uses the store's default currency, and USD rates for USD prices", async () => {
    const byDefault = await create(shop, { price: '10', assets: ['BTC'] });
    expect(byDefault.currency).toBe('EUR');
    expect(method(byDefault, 'BTC').amountDue).toBe('16667');

    const usd = await create(shop, { price: '10', currency: 'usd', assets: ['BTC', 'USDT_ETH'] });
    expect(usd.currency).toBe('USD');
    // 10 USD at 65000 USD/BTC is 15384.6 sat; USDT/USD is 1.
    expect(method(usd, 'BTC')).toMatchObject({ amountDue: '15385', rate: '65000' });
    expect(method(usd, 'USDT_ETH')).toMatchObject({ amountDue: '10000000', rate: '1' });
  });

  it('prices in an asset: that asset exactly, others through the cross rate', async () => {
    const invoice = await create(shop, { price: '0.001', currency: 'BTC', assets: ['BTC', 'ETH'] });
    expect(invoice.currency).toBe('BTC');
    const btc = method(invoice, 'BTC');
    expect(btc).toMatchObject({ amountDue: '100000', rate: null });
    expect(btc.paymentUri).toBe(`bitcoin:${btc.address}?amount=0.001&label=Price%20store`);
    // 0.001 BTC at 0.05 BTC/ETH is 0.02 ETH.
    expect(method(invoice, 'ETH')).toMatchObject({ amountDue: '20000000000000000', rate: '0.05' });

    const inEth = await create(shop, { price: '1.5', currency: 'ETH', assets: ['ETH'] });
    expect(method(inEth, 'ETH')).toMatchObject({ amountDue: '1500000000000000000', rate: null });
  });

  it('accepts only the listed assets, case-insensitively', async () => {
    const invoice = await create(shop, { price: '10', currency: 'EUR', assets: ['eth'] });
    expect(invoice.paymentMethods.map((m) => m.asset)).toEqual(['ETH']);
  });

  it('defaults to the assets whose chain has a wallet in this store', async () => {
    const btcOnly = await makeStore(kassa, db.url, 'BTC only');
    await run(btcOnly.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/7'"), scriptType: 'p2wpkh' },
    });
    const invoice = await create(btcOnly, { price: '10', currency: 'EUR' });
    expect(invoice.paymentMethods.map((m) => m.asset)).toEqual(['BTC']);
  });
});

describe('createInvoice: details and deadlines', () => {
  it('keeps description, metadata, redirect and notification URLs, and the store user', async () => {
    const { createUser } = await run(shop.api, CreateUserDocument, { input: { externalId: 'buyer-1' } });
    const invoice = await create(shop, {
      price: '25',
      currency: 'EUR',
      description: 'Two mugs',
      metadata: { cart: [1, 2], note: 'gift' },
      redirectUrl: 'https://shop.example/thanks',
      notificationUrl: 'https://shop.example/hooks/kassa',
      userId: createUser.id,
      orderId: 'order-details-1',
    });
    expect(invoice).toMatchObject({
      description: 'Two mugs',
      metadata: { cart: [1, 2], note: 'gift' },
      redirectUrl: 'https://shop.example/thanks',
      notificationUrl: 'https://shop.example/hooks/kassa',
      userId: createUser.id,
      orderId: 'order-details-1',
    });
  });

  it("answers the store's name on the created invoice, as on the checkout view", async () => {
    const { createInvoice } = await run(shop.api, CreateInvoiceStoreNameDocument, {
      input: { price: '3', currency: 'EUR', assets: ['BTC'] },
    });
    expect(createInvoice.storeName).toBe('Price store');
  });

  it('sets expiry and monitoring deadlines from the store settings or the request, and expires by them', async () => {
    clock.set(new Date('2031-03-04T05:06:07.000Z'));
    try {
      const byStore = await create(shop, { price: '10', currency: 'EUR', assets: ['BTC'] });
      expect(byStore.createdAt).toBe('2031-03-04T05:06:07.000Z');
      expect(byStore.expiresAt).toBe('2031-03-04T05:21:07.000Z');
      expect(byStore.monitoringEndsAt).toBe('2031-03-05T05:21:07.000Z');
      expect(byStore.paymentTolerancePercent).toBe('0');

      const custom = await create(shop, {
        price: '10',
        currency: 'EUR',
        assets: ['BTC'],
        expirationMinutes: 60,
        monitoringMinutes: 30,
        paymentTolerancePercent: '1.5',
      });
      expect(custom.expiresAt).toBe('2031-03-04T06:06:07.000Z');
      expect(custom.monitoringEndsAt).toBe('2031-03-04T06:36:07.000Z');
      expect(custom.paymentTolerancePercent).toBe('1.5');

      // The deadline sweep goes by each invoice's own expiresAt.
      clock.set(new Date('2031-03-04T06:06:06.999Z'));
      await expireDueInvoices(kassa.app.services!);
      expect(await invoiceStatus(sql, byStore.id)).toBe('EXPIRED');
      expect(await invoiceStatus(sql, custom.id)).toBe('NEW');
      clock.set(new Date('2031-03-04T06:06:07.000Z'));
      await expireDueInvoices(kassa.app.services!);
      expect(await invoiceStatus(sql, custom.id)).toBe('EXPIRED');
      expect(await countEvents(sql, custom.id, 'invoice.created')).toBe(1);
    } finally {
      clock.set(new Date());
    }
  });

  it('gives every invoice an unguessable id of at least 128 random bits', async () => {
    const invoices = await Promise.all(
      Array.from({ length: 8 }, () => create(shop, { price: '1', currency: 'EUR', assets: ['ETH'] })),
    );
    const ids = invoices.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      // base64url carries 6 bits a character.
      expect(id.length * 6).toBeGreaterThanOrEqual(128);
    }
  });
});

describe('createInvoice: orderId idempotency', () => {
  it('returns the same invoice for the same orderId and content, written once', async () => {
    const input = { price: '10.50', currency: 'EUR', orderId: 'order-42', metadata: { a: 1, b: 2 } };
    const first = await create(shop, input);
    const before = await writeSnapshot(sql);
    // Insignificant zeros and key order do not make it a different request.
    const again = await create(shop, { ...input, price: '10.5', metadata: { b: 2, a: 1 } });
    expect(again.id).toBe(first.id);
    expect(again.paymentMethods).toEqual(first.paymentMethods);
    expect(await writeSnapshot(sql)).toEqual(before);
    expect(await scalar(sql, `SELECT count(*)::int FROM "Invoice" WHERE "orderId" = 'order-42'`)).toBe(1);
    expect(await countEvents(sql, first.id, 'invoice.created')).toBe(1);
  });

  it('refuses the same orderId with different content with DUPLICATE_ORDER_ID, writing nothing', async () => {
    const input = { price: '30', currency: 'EUR', orderId: 'order-43', description: 'Book' };
    const first = await create(shop, input);
    const before = await writeSnapshot(sql);
    for (const changed of [
      { ...input, price: '31' },
      { ...input, currency: 'USD' },
      { ...input, description: 'Two books' },
      { ...input, assets: ['BTC'] },
      { ...input, metadata: { x: 1 } },
    ]) {
      const error = await expectCode(create(shop, changed), 'DUPLICATE_ORDER_ID');
      expect(error.extensions?.invoiceId).toBe(first.id);
    }
    expect(await writeSnapshot(sql)).toEqual(before);
  });

  it('scopes orderId to the store', async () => {
    const mine = await create(shop, { price: '12', currency: 'EUR', orderId: 'shared-order' });
    const theirs = await create(other, { price: '12', currency: 'EUR', orderId: 'shared-order' });
    expect(theirs.id).not.toBe(mine.id);
  });

  it('makes 10 concurrent identical creates one invoice holding one address per chain', async () => {
    const input = { price: '77', currency: 'EUR', orderId: 'order-race' };
    const results = await Promise.all(Array.from({ length: 10 }, () => create(shop, input)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const [invoice] = results;
    expect(await scalar(sql, `SELECT count(*)::int FROM "Invoice" WHERE "orderId" = 'order-race'`)).toBe(1);
    expect(await countEvents(sql, invoice.id, 'invoice.created')).toBe(1);
    const { rows } = await sql.query<{ chain: string; address: string }>(
      `SELECT chain, address FROM "Address" WHERE "invoiceId" = $1 AND state = 'INVOICE' ORDER BY chain`,
      [invoice.id],
    );
    expect(rows).toEqual([
      { chain: 'bitcoin', address: method(invoice, 'BTC').address },
      { chain: 'ethereum', address: method(invoice, 'ETH').address },
    ]);
    // The losers' allocations rolled back with them: no address points at a missing invoice.
    expect(
      await scalar(
        sql,
        `SELECT count(*)::int FROM "Address" a WHERE a."invoiceId" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "Invoice" i WHERE i.id = a."invoiceId")`,
      ),
    ).toBe(0);
  });

  it('lets exactly one of 10 concurrent creates with one orderId and different prices win', async () => {
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        create(shop, { price: `${50 + i}`, currency: 'EUR', orderId: 'order-fight' }),
      ),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) {
      if (s.status === 'rejected') await expectCode(Promise.reject(s.reason), 'DUPLICATE_ORDER_ID');
    }
    expect(await scalar(sql, `SELECT count(*)::int FROM "Invoice" WHERE "orderId" = 'order-fight'`)).toBe(1);
  });
});
