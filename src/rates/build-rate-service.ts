import { ValidationError } from '../domain/errors.ts';
import { CoinbaseProvider } from './coinbase-provider.ts';
import { CoinGeckoProvider } from './coingecko-provider.ts';
import { FixedRateProvider } from './fixed-provider.ts';
import { KrakenProvider } from './kraken-provider.ts';
import type { RateProvider } from './rate-provider.ts';
import { RateService } from './rate-service.ts';

/** One rate source as written in configuration. */
export interface RateProviderConfig {
  kind: 'coingecko' | 'kraken' | 'coinbase' | 'fixed';
  /** HTTP kinds: replaces the public API address (a proxy, a mirror, a test server). */
  baseUrl?: string;
  /** coingecko only. */
  apiKey?: string;
  /** coingecko only: which key header to send, and the default address. */
  plan?: 'demo' | 'pro';
  /** HTTP kinds: per-request timeout, default 5000. */
  timeoutMs?: number;
  /** fixed only: `"BASE/QUOTE"` → decimal string. */
  rates?: Record<string, string>;
  /** Distinguishes two providers of one kind in errors and quotes. */
  name?: string;
}

/** Rate configuration: providers in fallback order, freshness limit and merchant spread. */
export interface RateServiceConfig {
  providers: RateProviderConfig[];
  /** Default 60. */
  maxAgeSeconds?: number;
  /** Decimal string, 0 ≤ spread < 100. */
  spreadPercent?: string;
}

const KINDS = ['coingecko', 'kraken', 'coinbase', 'fixed'] as const;
const ALLOWED: Record<RateProviderConfig['kind'], readonly string[]> = {
  coingecko: ['kind', 'name', 'baseUrl', 'timeoutMs', 'apiKey', 'plan'],
  kraken: ['kind', 'name', 'baseUrl', 'timeoutMs'],
  coinbase: ['kind', 'name', 'baseUrl', 'timeoutMs'],
  fixed: ['kind', 'name', 'rates'],
};

/**
 * Checks a plain configuration object (parsed from JSON or the environment) and builds the
 * rate service it describes. Unknown or misplaced fields are refused rather than ignored, so
 * an `apiKey` put on the wrong provider is noticed at start. Errors are ValidationErrors whose
 * field is the path into `config`, e.g. `providers[1].baseUrl`.
 *
 * @example
 * const rates = buildRateService({
 *   providers: [{ kind: 'kraken' }, { kind: 'coingecko', apiKey: 'CG-…' }, { kind: 'fixed', rates: { 'USDT/USD': '1' } }],
 *   maxAgeSeconds: 60,
 *   spreadPercent: '0.5',
 * });
 */
export function buildRateService(config: unknown, options: { now?: () => Date } = {}): RateService {
  if (!isObject(config)) throw new ValidationError('config', 'must be an object');
  for (const key of Object.keys(config)) {
    if (!['providers', 'maxAgeSeconds', 'spreadPercent'].includes(key)) {
      throw new ValidationError(key, 'is not a rate setting (providers, maxAgeSeconds, spreadPercent)');
    }
  }
  const { providers, maxAgeSeconds, spreadPercent } = config;
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new ValidationError('providers', 'must be a non-empty list of rate providers');
  }
  const built = providers.map((entry, i) => buildProvider(entry, `providers[${i}]`));
  const names = built.map((p) => p.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ValidationError(
      `providers[${names.lastIndexOf(duplicate)}].name`,
      `"${duplicate}" is used twice`,
    );
  }
  if (maxAgeSeconds !== undefined && !(Number.isInteger(maxAgeSeconds) && (maxAgeSeconds as number) > 0)) {
    throw new ValidationError('maxAgeSeconds', 'must be a positive whole number of seconds');
  }
  // spreadPercent is checked by RateService itself, under the same field name.
  return new RateService({
    providers: built,
    maxAgeMs: maxAgeSeconds === undefined ? undefined : (maxAgeSeconds as number) * 1000,
    spreadPercent: spreadPercent as string | undefined,
    now: options.now,
  });
}

function buildProvider(entry: unknown, field: string): RateProvider {
  if (!isObject(entry)) throw new ValidationError(field, 'must be an object with a kind');
  const kind = entry.kind as RateProviderConfig['kind'];
  if (!KINDS.includes(kind)) throw new ValidationError(`${field}.kind`, `must be one of ${KINDS.join(', ')}`);
  for (const key of Object.keys(entry)) {
    if (!ALLOWED[kind].includes(key)) throw new ValidationError(`${field}.${key}`, `is not used by ${kind}`);
  }
  const name = optionalString(entry.name, `${field}.name`);
  const baseUrl = entry.baseUrl === undefined ? undefined : httpUrl(entry.baseUrl, `${field}.baseUrl`);
  const timeoutMs = entry.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && (timeoutMs as number) > 0)) {
    throw new ValidationError(`${field}.timeoutMs`, 'must be a positive whole number of milliseconds');
  }
  const http = { name, baseUrl, timeoutMs: timeoutMs as number | undefined };
  switch (kind) {
    case 'coingecko': {
      const plan = entry.plan;
      if (plan !== undefined && plan !== 'demo' && plan !== 'pro') {
        throw new ValidationError(`${field}.plan`, 'must be "demo" or "pro"');
      }
      return new CoinGeckoProvider({
        ...http,
        apiKey: optionalString(entry.apiKey, `${field}.apiKey`),
        plan,
      });
    }
    case 'kraken':
      return new KrakenProvider(http);
    case 'coinbase':
      return new CoinbaseProvider(http);
    case 'fixed':
      if (entry.rates === undefined)
        throw new ValidationError(`${field}.rates`, 'is required for kind fixed');
      return new FixedRateProvider({
        name,
        rates: entry.rates as Record<string, string>,
        field: `${field}.rates`,
      });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(field, 'must be a non-empty string');
  return value;
}

function httpUrl(value: unknown, field: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ValidationError(field, 'must be an http(s) URL such as https://api.kraken.com');
  }
  return value as string;
}
