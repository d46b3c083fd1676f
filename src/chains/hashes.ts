import { createHash, createHmac } from 'node:crypto';

/**
 * The hashes address derivation needs, from Node's OpenSSL: several times faster than the pure-JS
 * ones, and derivation runs them a few times per address.
 */

/** @example sha256(new TextEncoder().encode('abc')) // ba7816bf… */
export function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

/**
 * RIPEMD-160 of SHA-256: the 20-byte key and script hash of P2PKH, P2SH and P2WPKH.
 * @example hash160(compressedPublicKey) // the P2WPKH program
 */
export function hash160(data: Uint8Array): Uint8Array {
  return createHash('ripemd160').update(createHash('sha256').update(data).digest()).digest();
}

/**
 * The BIP32 child-key function's HMAC.
 * @example hmacSha512(chainCode, Uint8Array.of(...publicKey, 0, 0, 0, index))
 */
export function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac('sha512', key).update(data).digest();
}

const tagHashes = new Map<string, Uint8Array>();

/**
 * BIP340 tagged hash: SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖ data).
 * @example taggedHash('TapTweak', xOnlyInternalKey)
 */
export function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  let tagHash = tagHashes.get(tag);
  if (!tagHash) {
    tagHash = sha256(new TextEncoder().encode(tag));
    tagHashes.set(tag, tagHash);
  }
  return createHash('sha256').update(tagHash).update(tagHash).update(data).digest();
}
