import type { ServerResponse } from 'node:http';

/**
 * A strict policy: scripts and styles only from this origin's files (no inline script, no
 * eval), requests only back to this origin (GraphQL over SSE), no framing (clickjacking a
 * payment page), no plugins, no base or form redirection elsewhere.
 */
export const CHECKOUT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers of every checkout response. The invoice id in the URL is the capability to read the
 * invoice, so no Referer may carry it to the shop the page redirects to.
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CHECKOUT_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=()');
}
