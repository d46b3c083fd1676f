import { normalizeRate } from './decimal.ts';
import { RateProviderError } from './errors.ts';
import { httpGetText, joinUrl } from './http-get-text.ts';
import { parseJsonExact } from './parse-json-exact.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';

/** Kassa codes that Kraken spells differently; `assets` in the options adds to or overrides them. */
export const DEFAULT_KRAKEN_ASSETS: Readonly<Record<string, string>> = {
  BTC: 'XBT',
  DOGE: 'XDG',
  // MATIC was migrated 1:1 to POL, which is what Kraken lists now.
  MATIC: 'POL',
};

export interface KrakenProviderOptions {
  baseUrl?: string;
  /** Kassa code → Kraken code, merged over `DEFAULT_KRAKEN_ASSETS`. */
  assets?: Record<string, string>;
  timeoutMs?: number;
  name?: string;
}

const UNKNOWN_PAIR = 'EQuery:Unknown asset pair';

/**
 * Rates from Kraken's public `/0/public/Ticker`, using the last trade price (`c[0]`). Kraken
 * answers HTTP 200 with an `error` array when something is wrong, and keys its results by its
 * own pair names, legacy ones included: XBTEUR comes back as `XXBTZEUR`, USDTUSD as `USDTZUSD`,
 * USDTEUR as `USDTEUR`.
 *
 * @example
 * const kraken = new KrakenProvider();
 * await kraken.fetchRates([{ base: 'BTC', quote: 'EUR' }], AbortSignal.timeout(10_000));
 */
export class KrakenProvider implements RateProvider {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #assets: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(options: KrakenProviderOptions = {}) {
    this.name = options.name ?? 'kraken';
    this.#baseUrl = options.baseUrl ?? 'https://api.kraken.com';
    this.#assets = { ...DEFAULT_KRAKEN_ASSETS };
    for (const [code, kraken] of Object.entries(options.assets ?? {}))
      this.#assets[code.toUpperCase()] = kraken;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async fetchRates(pairs: Pair[], signal: AbortSignal): Promise<Quote[]> {
    if (pairs.length === 0) return [];
    try {
      return await this.#ticker(pairs, signal);
    } catch (error) {
      if (!(error instanceof KrakenApiError && error.errors.includes(UNKNOWN_PAIR))) throw error;
      if (pairs.length === 1) return [];
      // Kraken refuses the whole request when one pair is unknown; asking one pair at a time
      // still brings back the pairs it does list.
      const each = await Promise.all(pairs.map((pair) => this.fetchRates([pair], signal)));
      return each.flat();
    }
  }

  async #ticker(pairs: Pair[], signal: AbortSignal): Promise<Quote[]> {
    const url = joinUrl(this.#baseUrl, '0/public/Ticker');
    url.search = `?pair=${pairs.map((pair) => encodeURIComponent(this.#code(pair.base) + this.#code(pair.quote))).join(',')}`;
    const text = await httpGetText(url, { provider: this.name, timeoutMs: this.#timeoutMs, signal });
    let body: { error?: unknown; result?: unknown };
    try {
      body = parseJsonExact(text) as typeof body;
    } catch (error) {
      throw new RateProviderError(this.name, 'response is not JSON', { cause: error });
    }
    if (typeof body !== 'object' || body === null)
      throw new RateProviderError(this.name, 'response is not a JSON object');
    // Entries start with a severity letter: E for errors, W for warnings that leave the result usable.
    const errors = Array.isArray(body.error) ? body.error.map(String).filter((e) => e.startsWith('E')) : [];
    if (errors.length > 0) throw new KrakenApiError(this.name, errors);
    const result = body.result;
    if (typeof result !== 'object' || result === null)
      throw new RateProviderError(this.name, 'response has no result');
    const tickers = result as Record<string, { c?: unknown } | undefined>;
    const fetchedAt = new Date();
    const quotes: Quote[] = [];
    for (const pair of pairs) {
      const key = this.#resultKeys(pair).find((k) => Object.hasOwn(tickers, k));
      if (key === undefined) continue;
      const last = Array.isArray(tickers[key]?.c) ? (tickers[key].c as unknown[])[0] : undefined;
      let rate: string;
      try {
        rate = normalizeRate(last as string);
      } catch (error) {
        // One garbled ticker puts the whole answer in doubt; the next provider gets every pair.
        throw new RateProviderError(this.name, `bad last price for ${key}: ${JSON.stringify(last)}`, {
          cause: error,
        });
      }
      quotes.push({ ...pair, rate, source: this.name, fetchedAt });
    }
    return quotes;
  }

  #code(code: string): string {
    return this.#assets[code] ?? code;
  }

  // Kraken's older markets use four-letter asset names, X for crypto and Z for fiat (XXBT, ZEUR),
  // joined into keys like XXBTZEUR; newer ones use the plain pair (USDTEUR, POLEUR), and a few
  // mix the two (USDTZUSD). Try every spelling rather than keep a table that goes stale.
  #resultKeys(pair: Pair): string[] {
    const base = this.#code(pair.base);
    const quote = this.#code(pair.quote);
    return [`${base}${quote}`, `X${base}Z${quote}`, `X${base}${quote}`, `${base}Z${quote}`];
  }
}

/** Kraken answered with entries in its `error` array. */
class KrakenApiError extends RateProviderError {
  override name = 'KrakenApiError';
  readonly errors: string[];

  constructor(provider: string, errors: string[]) {
    super(provider, errors.join('; '));
    this.errors = errors;
  }
}
