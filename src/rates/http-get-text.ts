import { RateProviderError } from './errors.ts';

export interface HttpGetTextOptions {
  /** Provider name, for error messages. */
  provider: string;
  headers?: Record<string, string>;
  /** Gives up after this long, body included. */
  timeoutMs: number;
  /** The caller's own cancellation. */
  signal: AbortSignal;
}

// Enough to see what a provider's error page says, short enough for a log line.
const EXCERPT = 200;

/**
 * GETs a URL and returns the body of a 2xx answer as text. Everything else (network error,
 * timeout, non-2xx) becomes a `RateProviderError` naming the provider, so the rate service can
 * record it and move on to the next provider.
 *
 * @example
 * const body = await httpGetText(new URL('https://api.kraken.com/0/public/Ticker?pair=XBTEUR'),
 *   { provider: 'kraken', timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
 */
export async function httpGetText(url: URL, options: HttpGetTextOptions): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let status: number;
  let body: string;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal,
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    const reason = timeout.aborted
      ? `no response within ${options.timeoutMs} ms`
      : options.signal.aborted
        ? 'request aborted'
        : `request failed: ${error instanceof Error ? error.message : String(error)}`;
    throw new RateProviderError(options.provider, reason, { cause: error });
  }
  if (status < 200 || status > 299) {
    const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT);
    throw new RateProviderError(options.provider, `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`);
  }
  return body;
}

/**
 * `base` joined with a relative path, keeping any path prefix of `base` (a self-hosted proxy
 * at `https://host/coingecko` stays under `/coingecko`).
 *
 * @example
 * joinUrl('http://127.0.0.1:8080/', 'v2/exchange-rates'); // URL http://127.0.0.1:8080/v2/exchange-rates
 */
export function joinUrl(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}
