import { KassaError } from '../domain/errors.ts';

/** One provider's part in a failed lookup: why it gave no rate for the pairs it was asked. */
export interface ProviderAttempt {
  provider: string;
  /** What went wrong; absent when the provider answered but did not list the pair. */
  error?: string;
}

/**
 * No configured source gave a fresh rate for some pairs, so no invoice can be priced in them.
 * Callers see which pairs and which providers were tried; provider messages carry status codes
 * and reasons, never credentials (API keys travel in headers and are never echoed).
 *
 * @example
 * throw new RateUnavailableError(['BTC/EUR'], [{ provider: 'kraken', error: 'HTTP 503' }]);
 */
export class RateUnavailableError extends KassaError {
  override name = 'RateUnavailableError';
  readonly pairs: string[];
  readonly attempts: ProviderAttempt[];

  constructor(pairs: string[], attempts: ProviderAttempt[], options: { cause?: unknown } = {}) {
    const tried = attempts.length
      ? attempts.map((a) => `${a.provider}: ${a.error ?? 'no such pair'}`).join('; ')
      : 'no providers';
    super('RATE_UNAVAILABLE', `no rate for ${pairs.join(', ')} (tried ${tried})`, {
      details: { pairs, providers: attempts.map((a) => a.provider), attempts },
      cause: options.cause,
    });
    this.pairs = pairs;
    this.attempts = attempts;
  }
}

/**
 * A provider is down, slow, or answered something unusable. Not a KassaError: it never reaches
 * an API caller directly; the rate service records it and tries the next provider.
 *
 * @example
 * throw new RateProviderError('coingecko', 'HTTP 429: rate limited');
 */
export class RateProviderError extends Error {
  override name = 'RateProviderError';
  readonly provider: string;

  constructor(provider: string, message: string, options: { cause?: unknown } = {}) {
    super(`${provider}: ${message}`, { cause: options.cause });
    this.provider = provider;
  }
}
