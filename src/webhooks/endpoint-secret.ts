import { randomBytes } from 'node:crypto';

/**
 * A new signing secret: 32 random bytes. The whole string (prefix included) is the HMAC key,
 * so a receiver passes it to its HMAC function exactly as it was shown.
 */
export function issueEndpointSecret(): string {
  return `kassa_whsec_${randomBytes(32).toString('base64url')}`;
}
