import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import type { Address } from 'viem';
import type { BuildOptions } from '../../../src/app-builder.ts';
import { type ChainsConfig, parseChainsConfig } from '../../../src/chains/chains-config.ts';
import { WatchersAddWalletDocument } from '../../graphql/generated/graphql.ts';
import { type Anvil, startAnvil } from '../../support/anvil.ts';
import { ETH_XPUB } from '../../support/chains.ts';
import { deployTestToken } from '../../support/contracts/deploy-test-token.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../support/database.ts';
import { client, run } from '../../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../../support/kassa.ts';
import { until } from './evm-wait.ts';

/** The EVM chain every watcher test watches: anvil's default chain id. */
export const CHAIN = 'ethereum';
export const REVERSAL_DEPTH = 3;
export const REQUIRED_CONFIRMATIONS = 2;
/** A 20 EUR invoice at the fixed rates below: 0.01 ETH, 20 USDT. */
export const PRICE_EUR = '20';
export const ETH_DUE = 10n ** 16n;
export const USDT_DUE = 20_000_000n;

/**
 * The chains configuration of the watcher tests as raw JSON: ethereum on `rpcUrl` (anvil, or a
 * proxy in front of it), ETH and the deployed TestToken as USDT_ETH, 2 confirmations each.
 */
export function evmChainsJson(rpcUrl: string, token: Address) {
  return {
    chains: {
      [CHAIN]: {
        family: 'evm',
        chainId: 31337,
        backend: { kind: 'rpc', url: rpcUrl },
        pollIntervalSeconds: 0.2,
        reversalDepth: REVERSAL_DEPTH,
        logsBlockRange: 100,
      },
    },
    assets: {
      ETH: { chain: CHAIN, decimals: 18, confirmations: { confirmations: REQUIRED_CONFIRMATIONS } },
      USDT_ETH: {
        chain: CHAIN,
        decimals: 6,
        token,
        rateSymbol: 'USDT',
        confirmations: { confirmations: REQUIRED_CONFIRMATIONS },
      },
    },
    rates: { providers: [{ kind: 'fixed', rates: { 'ETH/EUR': '2000', 'USDT/EUR': '1' } }] },
  };
}

export interface EvmWorld {
  db: TestDatabase;
  anvil: Anvil;
  /** The TestToken contract (USDT_ETH). */
  usdt: Address;
  chains: ChainsConfig;
  /** Plain SQL against the test database, for facts GraphQL does not show. */
  pool: pg.Pool;
  /** The chains configuration as a file, for Kassa child processes (KASSA_CHAINS_CONFIG). */
  chainsFile(rpcUrl?: string): string;
  stop(): Promise<void>;
}

/** A database of its own, a fresh anvil with the TestToken deployed, and the chains config. */
export async function startEvmWorld(): Promise<EvmWorld> {
  const db = await createTestDatabase();
  const anvil = await startAnvil();
  const usdt = await deployTestToken(anvil.walletClient, anvil.publicClient);
  const pool = testPool(db.url, 3);
  const dir = mkdtempSync(join(tmpdir(), 'kassa-evm-'));
  let files = 0;
  return {
    db,
    anvil,
    usdt,
    chains: parseChainsConfig(evmChainsJson(anvil.url, usdt)),
    pool,
    chainsFile(rpcUrl = anvil.url) {
      const path = join(dir, `chains-${++files}.json`);
      writeFileSync(path, JSON.stringify(evmChainsJson(rpcUrl, usdt)));
      return path;
    },
    async stop() {
      await pool.end();
      await anvil.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kassa (role all) in this process, watching the world's chain (or `chains`). */
export function startEvmKassa(world: EvmWorld, options: BuildOptions = {}): Promise<RunningKassa> {
  return startKassa(world.db.url, {}, { chains: world.chains, ...options });
}

export interface EvmStore {
  id: string;
  secret: string;
  admin: GraphQLClient;
}

/** A store with an admin key and an ethereum wallet of ETH_XPUB, through the running API. */
export async function seedEvmStore(world: EvmWorld, graphqlUrl: string): Promise<EvmStore> {
  const seeded = await seedStore(world.db.url, 'EVM watcher store');
  const admin = client(graphqlUrl, seeded.apiKey.secret);
  await run(admin, WatchersAddWalletDocument, { input: { chain: CHAIN, extendedKey: ETH_XPUB } });
  return { id: seeded.store.id, secret: seeded.apiKey.secret, admin };
}

/**
 * Waits until the watcher has stored its cursor: it starts at the tip it first sees, so a
 * payment made before that would be behind it and never scanned.
 */
export async function waitForCursor(pool: pg.Pool, atLeast = 0): Promise<{ height: number; hash: string }> {
  return until(async () => {
    const { rows } = await pool.query<{ height: number; hash: string }>(
      'SELECT height, hash FROM "ChainCursor" WHERE chain = $1',
      [CHAIN],
    );
    return rows[0] && rows[0].height >= atLeast ? rows[0] : undefined;
  }, `the ${CHAIN} cursor at height ≥ ${atLeast}`);
}

export interface PaymentRow {
  id: string;
  txid: string;
  outputIndex: number;
  asset: string;
  address: string;
  amount: string;
  invoiceId: string | null;
  userId: string | null;
  status: string;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

/** Payment rows of one transaction (every log index), straight from the table. */
export async function paymentRows(pool: pg.Pool, txid: string): Promise<PaymentRow[]> {
  const { rows } = await pool.query<PaymentRow>(
    `SELECT id, txid, "outputIndex", asset, address, amount::text AS amount, "invoiceId", "userId",
            status::text AS status, confirmations, "blockHash", "blockHeight"
     FROM "Payment" WHERE chain = $1 AND lower(txid) = lower($2) ORDER BY "outputIndex"`,
    [CHAIN, txid],
  );
  return rows;
}

/** (txid, outputIndex) keys that have more than one Payment row: must always be empty. */
export async function duplicatePaymentKeys(pool: pg.Pool): Promise<Array<{ txid: string; n: number }>> {
  const { rows } = await pool.query<{ txid: string; n: number }>(
    `SELECT lower(txid) AS txid, "outputIndex", count(*)::int AS n FROM "Payment"
     GROUP BY chain, lower(txid), "outputIndex" HAVING count(*) > 1`,
  );
  return rows;
}

/** Event types recorded on one topic (e.g. `invoice:<id>`), oldest first. */
export async function eventTypes(pool: pg.Pool, topic: string): Promise<string[]> {
  const { rows } = await pool.query<{ type: string }>(
    `SELECT payload->>'type' AS type FROM "Event" WHERE topic = $1 ORDER BY id`,
    [topic],
  );
  return rows.map((r) => r.type);
}
