import { readFileSync } from 'node:fs';
import { type ConfirmationsPolicy, validateConfirmationsPolicy } from '../domain/confirmations-policy.ts';

/**
 * Which chains Kassa watches and which assets it accepts, from a JSON file named by
 * KASSA_CHAINS_CONFIG. Validated once at start; a bad file stops start-up with one line that
 * names the field.
 */

export type UtxoCoin = 'bitcoin' | 'litecoin' | 'bitcoin-cash' | 'dogecoin';
export type UtxoNetwork = 'mainnet' | 'testnet' | 'regtest';

export interface UtxoChainConfig {
  name: string;
  family: 'utxo';
  coin: UtxoCoin;
  network: UtxoNetwork;
  backend: { kind: 'bitcoind'; url: string } | { kind: 'esplora'; url: string };
  pollIntervalSeconds: number;
  /** Blocks a vanished or reorged-away payment may stay missing before it counts as REVERSED. */
  reversalDepth: number;
  /** Height to start watching from on first start; default: the tip at that moment. */
  startHeight?: number;
}

export interface EvmChainConfig {
  name: string;
  family: 'evm';
  chainId: number;
  backend: { kind: 'rpc'; url: string; wsUrl?: string };
  pollIntervalSeconds: number;
  /** Largest eth_getLogs block range the provider accepts. */
  logsBlockRange: number;
  /** Blocks a reorged-away payment may stay missing before it counts as REVERSED. */
  reversalDepth: number;
  startHeight?: number;
}

export type ChainConfig = UtxoChainConfig | EvmChainConfig;

export interface AssetConfig {
  code: string;
  name: string;
  chain: string;
  decimals: number;
  /** ERC-20 contract; absent for a chain's native coin. */
  token?: string;
  /** The symbol rate providers know it by (USDT_ETH → USDT). */
  rateSymbol: string;
  confirmations: ConfirmationsPolicy;
}

export interface ChainsConfig {
  chains: Record<string, ChainConfig>;
  assets: Record<string, AssetConfig>;
  /** Passed to the rate service builder as it is (validated there). */
  rates: unknown;
}

export class ChainsConfigError extends Error {
  override name = 'ChainsConfigError';
}

const COINS: readonly UtxoCoin[] = ['bitcoin', 'litecoin', 'bitcoin-cash', 'dogecoin'];
const NETWORKS: readonly UtxoNetwork[] = ['mainnet', 'testnet', 'regtest'];
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const ASSET_CODE = /^[A-Z][A-Z0-9_]{1,19}$/;

function fail(field: string, problem: string): never {
  throw new ChainsConfigError(`${field} ${problem}`);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Record<string, unknown>;
}

function url(value: unknown, field: string, protocols: string[]): string {
  if (typeof value !== 'string') fail(field, 'must be a URL string');
  try {
    if (!protocols.includes(new URL(value).protocol)) fail(field, `must use ${protocols.join(' or ')}`);
  } catch (error) {
    if (error instanceof ChainsConfigError) throw error;
    fail(field, 'is not a valid URL');
  }
  return value;
}

function positiveInt(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max)
    fail(field, `must be a whole number from 1 to ${max}`);
  return value as number;
}

/** Seconds between polls at the tip; fractions allowed (a local dev node answers at once). */
function interval(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0.1 || value > 3600)
    fail(field, 'must be a number of seconds from 0.1 to 3600');
  return value;
}

function optionalHeight(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0) fail(field, 'must be a whole number ≥ 0');
  return value as number;
}

function parseChain(name: string, raw: unknown): ChainConfig {
  const field = `chains.${name}`;
  if (!NAME.test(name)) fail(field, 'name must be lowercase letters, digits and dashes');
  const c = record(raw, field);
  if (c.family === 'utxo') {
    if (!COINS.includes(c.coin as UtxoCoin)) fail(`${field}.coin`, `must be one of ${COINS.join(', ')}`);
    if (!NETWORKS.includes(c.network as UtxoNetwork))
      fail(`${field}.network`, `must be one of ${NETWORKS.join(', ')}`);
    const backend = record(c.backend, `${field}.backend`);
    if (backend.kind !== 'bitcoind' && backend.kind !== 'esplora')
      fail(`${field}.backend.kind`, 'must be bitcoind or esplora');
    return {
      name,
      family: 'utxo',
      coin: c.coin as UtxoCoin,
      network: c.network as UtxoNetwork,
      backend: { kind: backend.kind, url: url(backend.url, `${field}.backend.url`, ['http:', 'https:']) },
      pollIntervalSeconds: interval(c.pollIntervalSeconds, `${field}.pollIntervalSeconds`, 10),
      reversalDepth: positiveInt(c.reversalDepth, `${field}.reversalDepth`, 6, 1000),
      startHeight: optionalHeight(c.startHeight, `${field}.startHeight`),
    };
  }
  if (c.family === 'evm') {
    const backend = record(c.backend, `${field}.backend`);
    if (backend.kind !== 'rpc') fail(`${field}.backend.kind`, 'must be rpc');
    return {
      name,
      family: 'evm',
      chainId: positiveInt(c.chainId, `${field}.chainId`, 0, 2 ** 32),
      backend: {
        kind: 'rpc',
        url: url(backend.url, `${field}.backend.url`, ['http:', 'https:']),
        wsUrl:
          backend.wsUrl === undefined
            ? undefined
            : url(backend.wsUrl, `${field}.backend.wsUrl`, ['ws:', 'wss:']),
      },
      pollIntervalSeconds: interval(c.pollIntervalSeconds, `${field}.pollIntervalSeconds`, 4),
      logsBlockRange: positiveInt(c.logsBlockRange, `${field}.logsBlockRange`, 2000, 1_000_000),
      reversalDepth: positiveInt(c.reversalDepth, `${field}.reversalDepth`, 12, 1000),
      startHeight: optionalHeight(c.startHeight, `${field}.startHeight`),
    };
  }
  return fail(`${field}.family`, 'must be utxo or evm');
}

function parseAsset(code: string, raw: unknown, chains: Record<string, ChainConfig>): AssetConfig {
  const field = `assets.${code}`;
  if (!ASSET_CODE.test(code))
    fail(field, 'code must be uppercase letters, digits and underscores (e.g. USDT_ETH)');
  const a = record(raw, field);
  const chain = chains[a.chain as string];
  if (!chain) fail(`${field}.chain`, `names no configured chain (${String(a.chain)})`);
  if (!Number.isInteger(a.decimals) || (a.decimals as number) < 0 || (a.decimals as number) > 36)
    fail(`${field}.decimals`, 'must be a whole number from 0 to 36');
  let token: string | undefined;
  if (a.token !== undefined) {
    if (chain.family !== 'evm') fail(`${field}.token`, 'is only for assets on EVM chains');
    if (typeof a.token !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(a.token))
      fail(`${field}.token`, 'must be a 0x-prefixed 20-byte contract address');
    token = a.token;
  }
  let confirmations: ConfirmationsPolicy;
  try {
    confirmations = validateConfirmationsPolicy(
      a.confirmations ?? { confirmations: 1 },
      `${field}.confirmations`,
    );
  } catch (error) {
    fail(`${field}.confirmations`, `is invalid: ${(error as Error).message}`);
  }
  return {
    code,
    name: typeof a.name === 'string' ? a.name : code,
    chain: chain.name,
    decimals: a.decimals as number,
    token,
    rateSymbol: typeof a.rateSymbol === 'string' ? a.rateSymbol : code.split('_')[0],
    confirmations,
  };
}

/** Validates a parsed configuration object. */
export function parseChainsConfig(raw: unknown): ChainsConfig {
  const root = record(raw, 'configuration');
  const chains: Record<string, ChainConfig> = {};
  for (const [name, chain] of Object.entries(record(root.chains ?? {}, 'chains')))
    chains[name] = parseChain(name, chain);
  const assets: Record<string, AssetConfig> = {};
  for (const [code, asset] of Object.entries(record(root.assets ?? {}, 'assets')))
    assets[code] = parseAsset(code, asset, chains);
  return { chains, assets, rates: root.rates ?? { providers: [{ kind: 'coingecko' }] } };
}

/** Reads and validates the JSON file at `path`. */
export function loadChainsConfig(path: string): ChainsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChainsConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ChainsConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseChainsConfig(raw);
}
