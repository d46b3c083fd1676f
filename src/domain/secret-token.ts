import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (API keys, user tokens' ids) are shown once and stored only as SHA-256 hashes:
 * a database leak then reveals no usable key. 32 random bytes make brute force pointless, so a
 * fast unsalted hash is enough and keeps the per-request lookup a single indexed read.
 */
export interface IssuedSecret {
  /** The full secret, e.g. `kassa_sk_3fa9c2d1_…`; returned to the caller once. */
  secret: string;
  /** A short, non-secret part shown in key lists so people can tell keys apart. */
  prefix: string;
  hash: string;
}

export function issueSecret(kind: 'sk' | 'ut'): IssuedSecret {
  const prefix = `kassa_${kind}_${randomBytes(4).toString('hex')}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
