import { ValidationError } from '../domain/errors.ts';
import type { Pair } from './rate-provider.ts';

// Asset codes (BTC, USDT, POL) and ISO currencies (EUR); an underscore admits chain-qualified
// names such as USDT_ETH should a caller pass one, which simply no provider will list.
const CODE = /^[A-Z0-9][A-Z0-9_]{0,19}$/;

/**
 * Upper-cases and checks a pair, so that `btc/eur` and `BTC/EUR` share one cache entry.
 *
 * @example
 * normalizePair({ base: 'btc', quote: 'eur' }); // { base: 'BTC', quote: 'EUR' }
 */
export function normalizePair(pair: Pair, field = 'pair'): Pair {
  const base = String(pair?.base ?? '').toUpperCase();
  const quote = String(pair?.quote ?? '').toUpperCase();
  if (!CODE.test(base)) throw new ValidationError(`${field}.base`, 'must be an asset code such as BTC');
  if (!CODE.test(quote)) throw new ValidationError(`${field}.quote`, 'must be a currency code such as EUR');
  return { base, quote };
}

/**
 * The pair's key in caches, configuration and messages.
 *
 * @example
 * pairKey({ base: 'BTC', quote: 'EUR' }); // 'BTC/EUR'
 */
export function pairKey(pair: Pair): string {
  return `${pair.base}/${pair.quote}`;
}

/**
 * Reads a `BASE/QUOTE` key, as written in fixed-rate configuration.
 *
 * @example
 * parsePairKey('USDT/USD'); // { base: 'USDT', quote: 'USD' }
 */
export function parsePairKey(key: string, field = 'pair'): Pair {
  const parts = key.split('/');
  if (parts.length !== 2) throw new ValidationError(field, 'must be written BASE/QUOTE, e.g. BTC/EUR');
  return normalizePair({ base: parts[0], quote: parts[1] }, field);
}
