import { ValidationError } from '../domain/errors.ts';
import { applySpread, compareDecimals, normalizeRate } from './decimal.ts';
import { type ProviderAttempt, RateUnavailableError } from './errors.ts';
import { normalizePair, pairKey } from './pair.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';

export interface RateServiceOptions {
  /** Asked in this order; the first that has a pair gives its rate. */
  providers: RateProvider[];
  /** How old a cached rate may be and still be served; default 60 s. */
  maxAgeMs?: number;
  /** Merchant's spread as a decimal string ("1.5" = 1.5 %); see `applySpread`. Default none. */
  spreadPercent?: string;
  /**
   * Backstop for one provider call; default 10 s. Providers time out their own requests, but a
   * provider that ignores its signal would otherwise hold every caller waiting on the shared
   * fetch forever.
   */
  providerTimeoutMs?: number;
  now?: () => Date;
}

interface Cached {
  quote: Quote;
  atMs: number;
}

interface Outcome {
  quote?: Quote;
  attempts: ProviderAttempt[];
}

/**
 * Rates for pricing invoices: cached per pair for `maxAgeMs`, fetched from providers in
 * fallback order, with concurrent requests for one pair sharing a single fetch, and the
 * merchant's spread applied on the way out (`rate × (1 − spread/100)`, so the customer pays a
 * little more coin, never less).
 *
 * A cached rate older than `maxAgeMs` is never served, not even when every provider is down:
 * an invoice locks its rate for its whole lifetime, and a stale rate in a moving market loses
 * the merchant money. Refusing with RATE_UNAVAILABLE is the safe failure.
 *
 * @example
 * const rates = new RateService({ providers: [new KrakenProvider(), new CoinGeckoProvider()], spreadPercent: '1' });
 * const { rate } = await rates.getRate({ base: 'BTC', quote: 'EUR' });
 */
export class RateService {
  readonly #providers: RateProvider[];
  readonly #maxAgeMs: number;
  readonly #spreadPercent: string | undefined;
  readonly #providerTimeoutMs: number;
  readonly #now: () => Date;
  readonly #cache = new Map<string, Cached>();
  readonly #inFlight = new Map<string, Promise<Outcome>>();

  constructor(options: RateServiceOptions) {
    if (!Array.isArray(options.providers) || options.providers.length === 0) {
      throw new ValidationError('providers', 'needs at least one rate provider');
    }
    const maxAgeMs = options.maxAgeMs ?? 60_000;
    if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0) throw new ValidationError('maxAgeMs', 'must be ≥ 0');
    const spread = options.spreadPercent;
    if (spread !== undefined && !isSpread(spread)) {
      throw new ValidationError('spreadPercent', 'must be a decimal string from 0 up to (not including) 100');
    }
    this.#providers = [...options.providers];
    this.#maxAgeMs = maxAgeMs;
    this.#spreadPercent = spread !== undefined && compareDecimals(spread, '0') !== 0 ? spread : undefined;
    this.#providerTimeoutMs = options.providerTimeoutMs ?? 10_000;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * The rate for one pair, spread applied; throws RateUnavailableError when no provider has it.
   *
   * @example
   * await rates.getRate({ base: 'ETH', quote: 'USD' }); // { base: 'ETH', quote: 'USD', rate: '3012.5', ... }
   */
  async getRate(pair: Pair): Promise<Quote> {
    const [quote] = await this.getRates([pair]);
    return quote;
  }

  /**
   * Rates for several pairs, in the order asked, spread applied. All or nothing: throws
   * RateUnavailableError listing every pair that no provider answered.
   *
   * @example
   * await rates.getRates([{ base: 'BTC', quote: 'EUR' }, { base: 'USDT', quote: 'EUR' }]);
   */
  async getRates(pairs: Pair[]): Promise<Quote[]> {
    const wanted = pairs.map((pair, i) => normalizePair(pair, `pairs[${i}]`));
    const nowMs = this.#now().getTime();
    const pending = new Map<string, Promise<Outcome>>();
    const missing: Pair[] = [];
    for (const pair of wanted) {
      const key = pairKey(pair);
      if (pending.has(key)) continue;
      const cached = this.#cache.get(key);
      if (cached && nowMs - cached.atMs <= this.#maxAgeMs) {
        pending.set(key, Promise.resolve({ quote: cached.quote, attempts: [] }));
        continue;
      }
      const shared = this.#inFlight.get(key);
      if (shared) pending.set(key, shared);
      else missing.push(pair);
    }
    if (missing.length > 0) {
      const batch = this.#fetch(missing);
      for (const pair of missing) {
        const key = pairKey(pair);
        const outcome = batch.then((outcomes) => outcomes.get(key) ?? { attempts: [] });
        this.#inFlight.set(key, outcome);
        pending.set(key, outcome);
        // `#fetch` never rejects, so this chain cannot leave an unhandled rejection behind.
        void outcome.finally(() => {
          if (this.#inFlight.get(key) === outcome) this.#inFlight.delete(key);
        });
      }
    }
    const outcomes = new Map<string, Outcome>();
    for (const [key, promise] of pending) outcomes.set(key, await promise);
    const unavailable = [...outcomes].filter(([, o]) => o.quote === undefined);
    if (unavailable.length > 0) {
      throw new RateUnavailableError(
        unavailable.map(([key]) => key),
        mergeAttempts(unavailable.map(([, o]) => o.attempts)),
      );
    }
    return wanted.map((pair) => this.#withSpread(outcomes.get(pairKey(pair))!.quote!));
  }

  #withSpread(quote: Quote): Quote {
    if (this.#spreadPercent === undefined) return quote;
    return { ...quote, rate: applySpread(quote.rate, this.#spreadPercent) };
  }

  /** Asks providers in order for the pairs still unanswered. Never rejects. */
  async #fetch(pairs: Pair[]): Promise<Map<string, Outcome>> {
    // Age counts from when the request left, not when the answer came: the conservative end.
    const startedAtMs = this.#now().getTime();
    const attempts: ProviderAttempt[] = [];
    const found = new Map<string, Quote>();
    let remaining = pairs;
    for (const provider of this.#providers) {
      if (remaining.length === 0) break;
      try {
        // Checked in full before any is kept: a provider that sends one bad rate (a custom one
        // may) is treated as down for this fetch, and the next provider is asked for every pair.
        const accepted = new Map<string, Quote>();
        for (const quote of await this.#ask(provider, remaining)) {
          const key = pairKey({
            base: String(quote.base).toUpperCase(),
            quote: String(quote.quote).toUpperCase(),
          });
          if (!remaining.some((pair) => pairKey(pair) === key)) continue;
          const [base, quoteCode] = key.split('/');
          const rate = normalizeRate(quote.rate);
          accepted.set(key, {
            base,
            quote: quoteCode,
            rate,
            source: provider.name,
            fetchedAt: new Date(startedAtMs),
          });
        }
        for (const [key, quote] of accepted) found.set(key, quote);
        attempts.push({ provider: provider.name });
      } catch (error) {
        attempts.push({
          provider: provider.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      remaining = remaining.filter((pair) => !found.has(pairKey(pair)));
    }
    const outcomes = new Map<string, Outcome>();
    for (const pair of pairs) {
      const key = pairKey(pair);
      const quote = found.get(key);
      if (quote) this.#cache.set(key, { quote, atMs: startedAtMs });
      outcomes.set(key, { quote, attempts });
    }
    return outcomes;
  }

  async #ask(provider: RateProvider, pairs: Pair[]): Promise<Quote[]> {
    const signal = AbortSignal.timeout(this.#providerTimeoutMs);
    const { promise, reject } = Promise.withResolvers<never>();
    const onAbort = () => reject(new Error(`no answer within ${this.#providerTimeoutMs} ms`));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([
        provider.fetchRates(
          pairs.map((pair) => ({ ...pair })),
          signal,
        ),
        promise,
      ]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function isSpread(value: unknown): value is string {
  try {
    return typeof value === 'string' && compareDecimals(value, '0') >= 0 && compareDecimals(value, '100') < 0;
  } catch {
    return false;
  }
}

/** One line per provider, even when pairs came from different batches. */
function mergeAttempts(lists: ProviderAttempt[][]): ProviderAttempt[] {
  const seen = new Map<string, ProviderAttempt>();
  for (const attempt of lists.flat()) {
    const key = `${attempt.provider}\u0000${attempt.error ?? ''}`;
    if (!seen.has(key)) seen.set(key, attempt);
  }
  return [...seen.values()];
}
