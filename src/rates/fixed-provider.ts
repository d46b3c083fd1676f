import { ValidationError } from '../domain/errors.ts';
import { normalizeRate } from './decimal.ts';
import { pairKey, parsePairKey } from './pair.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';

export interface FixedRateProviderOptions {
  /** `"BASE/QUOTE"` → decimal string, e.g. `{ "BTC/EUR": "60000", "USDT/USD": "1" }`. */
  rates: Record<string, string>;
  name?: string;
  /** Where `rates` sits in the caller's configuration, for error messages; default "rates". */
  field?: string;
}

/**
 * Rates written in configuration: for offline use, the development chain, and identities such
 * as USDT/USD = 1 placed ahead of (or behind) the market providers. Checked when built, so a
 * typo fails at start rather than on the first invoice.
 *
 * @example
 * const fixed = new FixedRateProvider({ rates: { 'BTC/EUR': '60000', 'USDT/USD': '1' } });
 */
export class FixedRateProvider implements RateProvider {
  readonly name: string;
  readonly #rates = new Map<string, string>();

  constructor(options: FixedRateProviderOptions) {
    this.name = options.name ?? 'fixed';
    const root = options.field ?? 'rates';
    if (typeof options.rates !== 'object' || options.rates === null || Array.isArray(options.rates)) {
      throw new ValidationError(root, 'must be an object of "BASE/QUOTE": "decimal string"');
    }
    for (const [key, value] of Object.entries(options.rates)) {
      const field = `${root}["${key}"]`;
      const pair = parsePairKey(key, field);
      // Numbers are refused, not converted: money in configuration is written as text too.
      if (typeof value !== 'string')
        throw new ValidationError(field, 'must be a decimal string such as "60000"');
      try {
        this.#rates.set(pairKey(pair), normalizeRate(value));
      } catch {
        throw new ValidationError(field, 'must be a positive decimal string such as "60000"');
      }
    }
  }

  async fetchRates(pairs: Pair[], _signal: AbortSignal): Promise<Quote[]> {
    const fetchedAt = new Date();
    const quotes: Quote[] = [];
    for (const pair of pairs) {
      const rate = this.#rates.get(pairKey(pair));
      if (rate !== undefined)
        quotes.push({ base: pair.base, quote: pair.quote, rate, source: this.name, fetchedAt });
    }
    return quotes;
  }
}
