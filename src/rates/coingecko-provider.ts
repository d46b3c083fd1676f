import { normalizeRate } from './decimal.ts';
import { RateProviderError } from './errors.ts';
import { httpGetText, joinUrl } from './http-get-text.ts';
import { parseJsonExact } from './parse-json-exact.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';

/** CoinGecko's coin ids for Kassa's asset codes; `ids` in the options adds to or overrides them. */
export const DEFAULT_COINGECKO_IDS: Readonly<Record<string, string>> = {
  BTC: 'bitcoin',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  DOGE: 'dogecoin',
  ETH: 'ethereum',
  USDT: 'tether',
  USDC: 'usd-coin',
  // MATIC was migrated 1:1 to POL; CoinGecko prices both under the new token.
  MATIC: 'polygon-ecosystem-token',
  POL: 'polygon-ecosystem-token',
};

export interface CoinGeckoProviderOptions {
  /** Defaults to the public API, or the Pro API when `plan` is 'pro'. */
  baseUrl?: string;
  apiKey?: string;
  /** Which header carries `apiKey`: `x-cg-demo-api-key` (default) or `x-cg-pro-api-key`. */
  plan?: 'demo' | 'pro';
  /** Asset code → CoinGecko coin id, merged over `DEFAULT_COINGECKO_IDS`. */
  ids?: Record<string, string>;
  timeoutMs?: number;
  name?: string;
}

/**
 * Rates from CoinGecko's `/api/v3/simple/price`, all pairs in one request. Its prices are JSON
 * numbers; they are read from the response text digit for digit (`parseJsonExact`), and
 * `precision=full` asks for every digit CoinGecko has rather than its display rounding.
 *
 * @example
 * const gecko = new CoinGeckoProvider({ apiKey: process.env.COINGECKO_KEY });
 * await gecko.fetchRates([{ base: 'BTC', quote: 'EUR' }], AbortSignal.timeout(10_000));
 */
export class CoinGeckoProvider implements RateProvider {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #ids: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(options: CoinGeckoProviderOptions = {}) {
    const pro = options.plan === 'pro';
    this.name = options.name ?? 'coingecko';
    this.#baseUrl = options.baseUrl ?? (pro ? 'https://pro-api.coingecko.com' : 'https://api.coingecko.com');
    this.#headers = options.apiKey
      ? { [pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: options.apiKey }
      : {};
    this.#ids = { ...DEFAULT_COINGECKO_IDS };
    for (const [code, id] of Object.entries(options.ids ?? {})) this.#ids[code.toUpperCase()] = id;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async fetchRates(pairs: Pair[], signal: AbortSignal): Promise<Quote[]> {
    const known = pairs.filter((pair) => this.#ids[pair.base] !== undefined);
    if (known.length === 0) return [];
    const ids = [...new Set(known.map((pair) => this.#ids[pair.base]))];
    const currencies = [...new Set(known.map((pair) => pair.quote.toLowerCase()))];
    const url = joinUrl(this.#baseUrl, 'api/v3/simple/price');
    url.search = `?ids=${ids.map(encodeURIComponent).join(',')}&vs_currencies=${currencies
      .map(encodeURIComponent)
      .join(',')}&precision=full`;
    const text = await httpGetText(url, {
      provider: this.name,
      headers: this.#headers,
      timeoutMs: this.#timeoutMs,
      signal,
    });
    const prices = this.#parse(text);
    const fetchedAt = new Date();
    const quotes: Quote[] = [];
    for (const pair of known) {
      const id = this.#ids[pair.base];
      const value = prices[id]?.[pair.quote.toLowerCase()];
      // Unknown ids and currencies are simply absent from CoinGecko's answer; null means it has
      // no price for that currency. Either way the next provider may have one.
      if (value === undefined || value === null) continue;
      quotes.push({
        ...pair,
        rate: this.#rate(value, `${id}.${pair.quote.toLowerCase()}`),
        source: this.name,
        fetchedAt,
      });
    }
    return quotes;
  }

  #parse(text: string): Record<string, Record<string, unknown> | undefined> {
    let body: unknown;
    try {
      body = parseJsonExact(text);
    } catch (error) {
      throw new RateProviderError(this.name, 'response is not JSON', { cause: error });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RateProviderError(this.name, 'response is not a JSON object');
    }
    // Rate limiting and bad keys sometimes come back with a status object instead of prices.
    const status = (body as { status?: { error_code?: unknown; error_message?: unknown } }).status;
    if (status?.error_code !== undefined) {
      throw new RateProviderError(
        this.name,
        `error ${status.error_code}: ${status.error_message ?? ''}`.trim(),
      );
    }
    return body as Record<string, Record<string, unknown> | undefined>;
  }

  // A garbled price means the answer cannot be trusted at all: fail the whole response so the
  // service asks the next provider for every pair, rather than mixing good and bad numbers.
  #rate(value: unknown, where: string): string {
    try {
      return normalizeRate(value as string);
    } catch (error) {
      throw new RateProviderError(this.name, `bad price at ${where}: ${JSON.stringify(value)}`, {
        cause: error,
      });
    }
  }
}
