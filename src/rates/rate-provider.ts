/**
 * What a rate source answers: how many units of a fiat (`quote`) one unit of an asset (`base`)
 * is worth. Rates are decimal strings, never JS numbers, so that no float rounding reaches an
 * invoice amount.
 */

/** An asset priced in a currency, e.g. `{ base: 'BTC', quote: 'EUR' }`; codes are upper case. */
export interface Pair {
  base: string;
  quote: string;
}

export interface Quote {
  base: string;
  quote: string;
  /** Quote units per 1 base, as a plain decimal string ("65012.34"), positive, ≤ 18 decimals. */
  rate: string;
  /** Name of the provider that gave the rate. */
  source: string;
  fetchedAt: Date;
}

/**
 * A source of rates. `fetchRates` returns quotes for the pairs it knows and silently leaves out
 * the pairs it does not list, so the caller can ask the next source for them; it throws (a
 * `RateProviderError`) when the source is down or answers something unusable. Implementations
 * must give up when `signal` aborts.
 *
 * @example
 * const quotes = await provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], AbortSignal.timeout(5000));
 */
export interface RateProvider {
  readonly name: string;
  fetchRates(pairs: Pair[], signal: AbortSignal): Promise<Quote[]>;
}
