import { HDKey } from '@scure/bip32';
import { KassaError } from '../../domain/errors.ts';
import { decodeExtendedKey } from '../decode-extended-key.ts';
import { XPUB } from '../extended-key-versions.ts';

/** An EVM wallet's extended public key, at the account or the receive-chain level. */
export interface ParsedEvmExtendedKey {
  /** Public only. */
  hdkey: HDKey;
  /** 3: account m/44'/60'/a' (addresses at /0/i); 4: chain m/44'/60'/a'/0 (addresses at /i). */
  depth: 3 | 4;
  /** This key's own fingerprint, 8 hex digits. */
  fingerprint: string;
  parentFingerprint: string;
  /** The key as serialized by Kassa (xpub), for storage and comparison. */
  normalized: string;
}

const WHICH_KEY =
  "export the account xpub at m/44'/60'/0' (depth 3) or its receive chain m/44'/60'/0'/0 (depth 4)";

/**
 * Reads the xpub of an Ethereum (BIP44 coin 60) account. The depth tells the level: 3 is the
 * account, whose addresses are /0/i; 4 is its receive chain, whose addresses are /i. Other
 * depths, private keys and non-xpub versions are refused with INVALID_XPUB.
 * @example
 * const key = parseEvmExtendedKey('xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt');
 * key.depth // 3
 */
export function parseEvmExtendedKey(text: string): ParsedEvmExtendedKey {
  const fields = decodeExtendedKey(text);
  if (fields.version !== XPUB.public) {
    const what = fields.known
      ? `${fields.prefix} keys are bitcoin-family keys`
      : `"${fields.prefix}…" is not an xpub`;
    throw new KassaError('INVALID_XPUB', `${what}; for Ethereum and EVM chains ${WHICH_KEY}`, {
      details: { prefix: fields.prefix },
    });
  }
  if (fields.depth !== 3 && fields.depth !== 4) {
    throw new KassaError('INVALID_XPUB', `this key is at depth ${fields.depth}; ${WHICH_KEY}`, {
      details: { prefix: fields.prefix, depth: fields.depth },
    });
  }
  const hdkey = new HDKey({
    versions: { public: XPUB.public, private: XPUB.private },
    depth: fields.depth,
    index: fields.index,
    parentFingerprint: fields.parentFingerprint,
    chainCode: fields.chainCode,
    publicKey: fields.publicKey,
  });
  return {
    hdkey,
    depth: fields.depth,
    fingerprint: hex32(hdkey.fingerprint),
    parentFingerprint: hex32(fields.parentFingerprint),
    normalized: hdkey.publicExtendedKey,
  };
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
