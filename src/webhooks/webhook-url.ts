import { WebhookUrlError } from './errors.ts';

/** Longer URLs are refused: nobody needs them, and they end up in every delivery log row. */
export const MAX_URL_LENGTH = 2048;

/**
 * Parses a URL a webhook may be sent to: absolute http or https, no fragment. Credentials in
 * the URL are allowed (some receivers use basic auth) but never shown back in full.
 */
export function parseWebhookUrl(raw: string): URL {
  const trimmed = raw.trim();
  if (trimmed.length > MAX_URL_LENGTH)
    throw new WebhookUrlError('invalid', `must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new WebhookUrlError('invalid', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookUrlError('invalid', `must use https or http (got ${url.protocol.replace(':', '')})`);
  if (url.hash) throw new WebhookUrlError('invalid', 'must not have a fragment (#...)');
  if (!url.hostname) throw new WebhookUrlError('invalid', 'has no host');
  return url;
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: URL | string): string {
  const copy = new URL(url);
  if (copy.password) copy.password = '***';
  return copy.toString();
}
