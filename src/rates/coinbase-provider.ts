import { normalizeRate } from './decimal.ts';
import { RateProviderError } from './errors.ts';
import { httpGetText, joinUrl } from './http-get-text.ts';
import { parseJsonExact } from './parse-json-exact.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';

export interface CoinbaseProviderOptions {
  baseUrl?: string;
  timeoutMs?: number;
  name?: string;
}

interface ExchangeRates {
  data?: { currency?: unknown; rates?: Record<string, unknown> };
}

/**
 * Rates from Coinbase's public `/v2/exchange-rates?currency=BTC`, which answers one base
 * currency against every currency it knows, rates as decimal strings. One request per base,
 * all in parallel.
 *
 * @example
 * const coinbase = new CoinbaseProvider();
 * await coinbase.fetchRates([{ base: 'ETH', quote: 'USD' }], AbortSignal.timeout(10_000));
 */
export class CoinbaseProvider implements RateProvider {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(options: CoinbaseProviderOptions = {}) {
    this.name = options.name ?? 'coinbase';
    this.#baseUrl = options.baseUrl ?? 'https://api.coinbase.com';
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async fetchRates(pairs: Pair[], signal: AbortSignal): Promise<Quote[]> {
    const bases = [...new Set(pairs.map((pair) => pair.base))];
    const settled = await Promise.allSettled(bases.map((base) => this.#ratesFor(base, signal)));
    // A base Coinbase does not know must not cost the others their rates; only when every
    // request failed is the provider itself in trouble.
    const failed = settled.filter((s) => s.status === 'rejected');
    if (bases.length > 0 && failed.length === bases.length) throw failed[0].reason;
    const fetchedAt = new Date();
    const quotes: Quote[] = [];
    for (const pair of pairs) {
      const outcome = settled[bases.indexOf(pair.base)];
      if (outcome.status !== 'fulfilled' || outcome.value === undefined) continue;
      const value = outcome.value[pair.quote];
      if (value === undefined || value === null) continue;
      let rate: string;
      try {
        rate = normalizeRate(value as string);
      } catch (error) {
        throw new RateProviderError(
          this.name,
          `bad rate for ${pair.base}/${pair.quote}: ${JSON.stringify(value)}`,
          {
            cause: error,
          },
        );
      }
      quotes.push({ ...pair, rate, source: this.name, fetchedAt });
    }
    return quotes;
  }

  /** The `rates` object for one base, or undefined when Coinbase answered for another currency. */
  async #ratesFor(base: string, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
    const url = joinUrl(this.#baseUrl, 'v2/exchange-rates');
    url.search = `?currency=${encodeURIComponent(base)}`;
    const text = await httpGetText(url, { provider: this.name, timeoutMs: this.#timeoutMs, signal });
    let body: ExchangeRates;
    try {
      body = parseJsonExact(text) as ExchangeRates;
    } catch (error) {
      throw new RateProviderError(this.name, 'response is not JSON', { cause: error });
    }
    const data = body?.data;
    if (typeof data !== 'object' || data === null || typeof data.rates !== 'object' || data.rates === null) {
      throw new RateProviderError(this.name, 'response has no data.rates');
    }
    // Rates quoted for a different base would be off by orders of magnitude; never use them.
    if (String(data.currency).toUpperCase() !== base) return undefined;
    return data.rates;
  }
}
