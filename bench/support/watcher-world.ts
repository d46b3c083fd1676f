import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networks } from 'bitcoinjs-lib';
import type pg from 'pg';
import { parseChainsConfig } from '../../src/chains/chains-config.ts';
import {
  type StartedBitcoinSimulator,
  startBitcoinSimulator,
} from '../../test/support/bitcoin-simulator/index.ts';
import { BitcoinFiller } from './bitcoin-filler.ts';
import type { GraphQL } from './kassa-child.ts';
import { testWallets } from './test-wallets.ts';

/**
 * What both watcher benchmarks stand on: the Bitcoin simulator (mainnet addresses, in this
 * process, over its Bitcoin Core JSON-RPC endpoint) with a primed filler, Kassa's chains
 * configuration for it, and a store's BTC invoices.
 */

export const CHAIN = 'bitcoin';
/** Coinbase outputs per simulator block: enough mature coins to prime the filler and pay invoices. */
const COINBASE_OUTPUTS = 20;

export interface WatcherChain {
  btc: StartedBitcoinSimulator;
  filler: BitcoinFiller;
  stop(): Promise<void>;
}

/**
 * The simulator with its 120 initial blocks, then one block that fans `primeCoins` of its coins
 * out into primeCoins × 200 coins for the filler.
 */
export async function startWatcherChain(primeCoins = 50): Promise<WatcherChain> {
  const btc = await startBitcoinSimulator({ network: networks.bitcoin, coinbaseOutputs: COINBASE_OUTPUTS });
  try {
    const filler = new BitcoinFiller(btc.sim);
    await filler.prime(primeCoins, 200);
    return { btc, filler, stop: () => btc.stop() };
  } catch (error) {
    await btc.stop();
    throw error;
  }
}

/**
 * Kassa's chains configuration as a file (KASSA_CHAINS_CONFIG): the simulator's JSON-RPC
 * endpoint as a `bitcoind` backend, BTC at a fixed 60,000 EUR, settled at 1 confirmation.
 * Validated with Kassa's own parser first.
 */
export function writeChainsConfig(options: {
  url: string;
  pollIntervalSeconds: number;
  startHeight?: number;
}): { path: string; json: unknown; remove(): void } {
  const json = {
    chains: {
      [CHAIN]: {
        family: 'utxo',
        coin: 'bitcoin',
        network: 'mainnet',
        backend: { kind: 'bitcoind', url: options.url },
        pollIntervalSeconds: options.pollIntervalSeconds,
        ...(options.startHeight === undefined ? {} : { startHeight: options.startHeight }),
      },
    },
    assets: { BTC: { chain: CHAIN, decimals: 8, confirmations: { confirmations: 1 } } },
    rates: { providers: [{ kind: 'fixed', rates: { 'BTC/EUR': '60000' } }] },
  };
  parseChainsConfig(json);
  const dir = mkdtempSync(join(tmpdir(), 'kassa-bench-watcher-'));
  const path = join(dir, 'chains.json');
  writeFileSync(path, JSON.stringify(json, null, 2));
  return { path, json, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BenchInvoice {
  id: string;
  address: string;
  /** Satoshis due. */
  due: bigint;
}

const ADD_WALLET = `mutation AddWallet($input: AddWalletInput!) { addWallet(input: $input) { id chain } }`;
const CREATE_INVOICE = `mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) { id status paymentMethods { asset address amountDue } }
}`;

/** Adds the test bitcoin wallet (BIP84 of the published test mnemonic) to the key's store. */
export async function addBitcoinWallet(graphql: GraphQL): Promise<void> {
  const bitcoin = testWallets().find((w) => w.chain === CHAIN)!;
  await graphql(ADD_WALLET, {
    input: { chain: bitcoin.chain, extendedKey: bitcoin.extendedKey, scriptType: bitcoin.scriptType },
  });
}

/** `n` BTC invoices of 20 EUR (33,334 sat at 60,000 EUR/BTC), open for two hours. */
export async function createBtcInvoices(graphql: GraphQL, n: number, tag: string): Promise<BenchInvoice[]> {
  const invoices: BenchInvoice[] = [];
  for (let i = 0; i < n; i++) {
    const { createInvoice } = await graphql<{
      createInvoice: {
        id: string;
        status: string;
        paymentMethods: Array<{ asset: string; address: string; amountDue: string }>;
      };
    }>(CREATE_INVOICE, {
      input: {
        price: '20',
        currency: 'EUR',
        assets: ['BTC'],
        orderId: `${tag}-${i}`,
        expirationMinutes: 120,
      },
    });
    const method = createInvoice.paymentMethods.find((m) => m.asset === 'BTC');
    if (createInvoice.status !== 'NEW' || !method)
      throw new Error(`createInvoice answered ${JSON.stringify(createInvoice)}`);
    invoices.push({ id: createInvoice.id, address: method.address, due: BigInt(method.amountDue) });
  }
  return invoices;
}

/** The chain's stored cursor, or undefined before the watcher's first pass created it. */
export async function readCursor(
  client: pg.Client | pg.Pool,
): Promise<{ height: number; hash: string } | undefined> {
  const { rows } = await client.query<{ height: number; hash: string }>(
    'SELECT height, hash FROM "ChainCursor" WHERE chain = $1',
    [CHAIN],
  );
  return rows[0];
}

/** Payment rows of the chain as the checks need them. */
export async function readPayments(client: pg.Client | pg.Pool) {
  const { rows } = await client.query<{
    txid: string;
    outputIndex: number;
    invoiceId: string | null;
    amount: string;
    status: string;
    blockHeight: number | null;
    confirmations: number;
  }>(
    `SELECT txid, "outputIndex", "invoiceId", amount::text AS amount, status::text AS status,
            "blockHeight", confirmations
     FROM "Payment" WHERE chain = $1`,
    [CHAIN],
  );
  return rows;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
