import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { type Address, erc20Abi, type Hex } from 'viem';
import { DEV_CHAIN_NAME, devChainsConfig } from '../../../src/dev-chain/dev-chain-config.ts';
import { invoiceStatus } from '../../invoices/support.ts';
import { type Anvil, startAnvil } from '../../support/anvil.ts';
import { ETH_XPUB } from '../../support/chains.ts';
import { deployTestToken } from '../../support/contracts/deploy-test-token.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../support/database.ts';
import { type RunningKassa, seedStore, startKassa } from '../../support/kassa.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * What the checkout tests run against: Kassa in this process watching a test anvil with the
 * TestToken, configured exactly as the local dev chain is (chain `dev-ethereum`, ETH and
 * USDT_ETH, 3 confirmations, fixed rates) but with blocks mined by the tests, a store with an
 * ethereum wallet, and a "shop" HTTP server to be redirected to.
 */
export interface CheckoutWorld {
  db: TestDatabase;
  anvil: Anvil;
  usdt: Address;
  kassa: RunningKassa;
  sql: pg.Pool;
  storeKey: string;
  /** The shop's base URL (any path answers 200 "Thank you"). */
  shopUrl: string;
  /** Moves the clock Kassa reads (the wall clock plus this offset). */
  clockOffsetMs: { value: number };
  stop(): Promise<void>;
}

export async function startCheckoutWorld(storeName = 'Checkout test shop'): Promise<CheckoutWorld> {
  const db = await createTestDatabase();
  const anvil = await startAnvil();
  const usdt = await deployTestToken(anvil.walletClient, anvil.publicClient);
  const clockOffsetMs = { value: 0 };
  const kassa = await startKassa(
    db.url,
    {},
    { chains: devChainsConfig(anvil.url, usdt), now: () => new Date(Date.now() + clockOffsetMs.value) },
  );
  const sql = testPool(db.url, 2);
  const seeded = await seedStore(db.url, storeName);
  await graphql(
    kassa.graphqlUrl,
    seeded.apiKey.secret,
    'mutation($i: AddWalletInput!) { addWallet(input: $i) { id } }',
    {
      i: { chain: DEV_CHAIN_NAME, extendedKey: ETH_XPUB },
    },
  );
  // The watcher starts at the tip it first sees: a payment made before that would be missed.
  await until(async () => {
    const { rows } = await sql.query('SELECT 1 FROM "ChainCursor" WHERE chain = $1', [DEV_CHAIN_NAME]);
    return rows.length > 0;
  }, 'the dev-ethereum cursor');
  const shop = await startShop();
  return {
    db,
    anvil,
    usdt,
    kassa,
    sql,
    storeKey: seeded.apiKey.secret,
    shopUrl: shop.url,
    clockOffsetMs,
    async stop() {
      await new Promise((resolve) => shop.server.close(resolve));
      await kassa.stop();
      await sql.end();
      await anvil.stop();
      await db.drop();
    },
  };
}

/** A GraphQL call with fetch; throws on errors. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  key: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

export interface TestInvoice {
  id: string;
  expiresAt: string;
  paymentMethods: Array<{
    asset: string;
    address: string;
    amountDue: string;
    paymentUri: string;
    decimals: number;
  }>;
}

/** Creates an invoice through the API (EUR price). */
export async function createInvoice(
  world: CheckoutWorld,
  input: Record<string, unknown>,
): Promise<TestInvoice> {
  const data = await graphql<{ createInvoice: TestInvoice }>(
    world.kassa.graphqlUrl,
    world.storeKey,
    `mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) {
      id expiresAt paymentMethods { asset address amountDue paymentUri decimals } } }`,
    { i: { currency: 'EUR', ...input } },
  );
  return data.createInvoice;
}

/** Sends Ether from anvil's account 0 and waits until it is mined (its own block). */
export async function payEth(world: CheckoutWorld, to: string, wei: bigint): Promise<Hex> {
  const hash = await world.anvil.walletClient.sendTransaction({ to: to as Address, value: wei });
  await world.anvil.publicClient.waitForTransactionReceipt({ hash });
  return hash;
}

/** Transfers TestToken units from anvil's account 0 and waits until it is mined. */
export async function payUsdt(world: CheckoutWorld, to: string, units: bigint): Promise<Hex> {
  const hash = await world.anvil.walletClient.writeContract({
    address: world.usdt,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [to as Address, units],
  });
  await world.anvil.publicClient.waitForTransactionReceipt({ hash });
  return hash;
}

/** The invoice's status in the database. */
export async function statusOf(world: CheckoutWorld, id: string): Promise<string | undefined> {
  return invoiceStatus(world.sql, id);
}

/** Polls `condition` until it is truthy. */
export function until<T>(
  condition: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return pollUntil(condition, what, { timeoutMs, pollMs: 50 });
}

async function startShop(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Shop</title><h1>Thank you for your order</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
