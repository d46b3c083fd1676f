import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { networks } from 'bitcoinjs-lib';
import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { pino } from 'pino';
import { type ChainsConfig, parseChainsConfig } from '../../../src/chains/chains-config.ts';
import { UtxoAddWalletDocument, UtxoCreateInvoiceDocument } from '../../graphql/generated/graphql.ts';
import {
  type StartedBitcoinSimulator,
  startBitcoinSimulator,
} from '../../support/bitcoin-simulator/index.ts';
import { BTC_XPUB } from '../../support/chains.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../support/database.ts';
import { client, run } from '../../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../../support/kassa.ts';
import type { UtxoInvoice } from './utxo-wait.ts';

export type UtxoBackendKind = 'bitcoind' | 'esplora';
/** Both production adapters: every main scenario runs once over each. */
export const UTXO_BACKENDS: readonly UtxoBackendKind[] = ['bitcoind', 'esplora'];

export const CHAIN = 'bitcoin';
/** Blocks a vanished payment may stay missing before it is REVERSED. */
export const REVERSAL_DEPTH = 3;

/**
 * The chains configuration of the Bitcoin watcher tests as raw JSON: mainnet addresses on the
 * simulated chain, BTC at a fixed 60,000 EUR with the spec's tiers (0 conf up to 50 EUR unless
 * RBF, 1 up to 1,000 EUR, 3 above).
 */
export function utxoChainsJson(kind: UtxoBackendKind, url: string) {
  return {
    chains: {
      [CHAIN]: {
        family: 'utxo',
        coin: 'bitcoin',
        network: 'mainnet',
        backend: { kind, url },
        pollIntervalSeconds: 0.2,
        reversalDepth: REVERSAL_DEPTH,
      },
    },
    assets: {
      BTC: {
        chain: CHAIN,
        decimals: 8,
        confirmations: {
          currency: 'EUR',
          tiers: [
            { maxValue: '50', confirmations: 0 },
            { maxValue: '1000', confirmations: 1 },
          ],
          confirmations: 3,
        },
      },
    },
    rates: { providers: [{ kind: 'fixed', rates: { 'BTC/EUR': '60000' } }] },
  };
}

export interface UtxoWorld {
  kind: UtxoBackendKind;
  db: TestDatabase;
  btc: StartedBitcoinSimulator;
  /** The simulator's URL for this backend kind (JSON-RPC or Esplora). */
  nodeUrl: string;
  chains: ChainsConfig;
  /** Plain SQL against the test database, for facts GraphQL does not show. */
  pool: pg.Pool;
  /** The chains configuration as a file, for Kassa child processes (KASSA_CHAINS_CONFIG). */
  chainsFile(url?: string): string;
  stop(): Promise<void>;
}

/** A database of its own, a fresh simulated Bitcoin chain (mainnet addresses), the chains config. */
export async function startUtxoWorld(kind: UtxoBackendKind): Promise<UtxoWorld> {
  const db = await createTestDatabase();
  const btc = await startBitcoinSimulator({ network: networks.bitcoin });
  const nodeUrl = kind === 'bitcoind' ? btc.rpcUrl : btc.esploraUrl;
  const pool = testPool(db.url, 4);
  const dir = mkdtempSync(join(tmpdir(), 'kassa-utxo-'));
  let files = 0;
  return {
    kind,
    db,
    btc,
    nodeUrl,
    chains: parseChainsConfig(utxoChainsJson(kind, nodeUrl)),
    pool,
    chainsFile(url = nodeUrl) {
      const path = join(dir, `chains-${++files}.json`);
      writeFileSync(path, JSON.stringify(utxoChainsJson(kind, url)));
      return path;
    },
    async stop() {
      await pool.end();
      await btc.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** A pino logger whose lines the test reads (what the worker said, and a failure's context). */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/**
 * Kassa in this process watching the world's chain (through `nodeUrl`, e.g. a proxy, when
 * given); `role: 'api'` leaves the watching to workers.
 */
export async function startUtxoKassa(
  world: UtxoWorld,
  options: { now?: () => Date; role?: 'api' | 'all'; nodeUrl?: string } = {},
): Promise<{ kassa: RunningKassa; logs: LogLine[] }> {
  const { logger, lines } = capturingLogger();
  const chains = options.nodeUrl
    ? parseChainsConfig(utxoChainsJson(world.kind, options.nodeUrl))
    : world.chains;
  const kassa = await startKassa(
    world.db.url,
    { KASSA_ROLE: options.role ?? 'all' },
    { chains, logger, now: options.now },
  );
  return { kassa, logs: lines };
}

export interface UtxoStore {
  id: string;
  secret: string;
  admin: GraphQLClient;
}

/** A store with an admin key and a BIP84 bitcoin wallet of BTC_XPUB, through the running API. */
export async function seedUtxoStore(world: UtxoWorld, graphqlUrl: string): Promise<UtxoStore> {
  const seeded = await seedStore(world.db.url, 'Bitcoin watcher store');
  const admin = client(graphqlUrl, seeded.apiKey.secret);
  await run(admin, UtxoAddWalletDocument, {
    input: { chain: CHAIN, extendedKey: BTC_XPUB, scriptType: 'p2wpkh' },
  });
  return { id: seeded.store.id, secret: seeded.apiKey.secret, admin };
}

export interface BtcInvoice {
  invoice: UtxoInvoice;
  /** The invoice's bitcoin deposit address. */
  address: string;
  /** Satoshis due. */
  due: bigint;
}

/** A BTC invoice priced in EUR (60,000 EUR/BTC: 20 EUR is 33,334 sat, 500 EUR 833,334 sat). */
export async function createBtcInvoice(
  admin: GraphQLClient,
  priceEur: string,
  input: { expirationMinutes?: number; monitoringMinutes?: number; userId?: string } = {},
): Promise<BtcInvoice> {
  const { createInvoice } = await run(admin, UtxoCreateInvoiceDocument, {
    input: { price: priceEur, currency: 'EUR', assets: ['BTC'], ...input },
  });
  const method = createInvoice.paymentMethods.find((m) => m.asset === 'BTC');
  if (!method) throw new Error('the invoice offers no BTC payment method');
  return { invoice: createInvoice, address: method.address, due: BigInt(method.amountDue) };
}
