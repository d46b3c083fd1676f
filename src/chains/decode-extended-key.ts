import { secp256k1 } from '@noble/curves/secp256k1.js';
import { KassaError } from '../domain/errors.ts';
import { base58CheckDecode } from './base58check.ts';
import {
  EXTENDED_KEY_VERSIONS,
  type ExtendedKeyVersion,
  extendedKeyVersionOf,
} from './extended-key-versions.ts';

/** The fields of a BIP32 serialized extended public key, before any chain's rules apply. */
export interface ExtendedKeyFields {
  version: number;
  /** The registry entry of `version`, when Kassa knows it. */
  known?: ExtendedKeyVersion;
  /** `zpub`, `tpub`, ... as pasted (the first four characters when the version is unknown). */
  prefix: string;
  depth: number;
  parentFingerprint: number;
  /** The child number this key has under its parent (≥ 2^31: hardened). */
  index: number;
  chainCode: Uint8Array;
  /** 33-byte compressed public key, checked to be a point on secp256k1. */
  publicKey: Uint8Array;
}

const EXTENDED_KEY_BYTES = 78;

/**
 * Decodes a pasted extended public key and refuses, each with its own message, what can never
 * be one: private keys, broken base58 or checksum, addresses, wrong lengths, points off the curve.
 * Messages and details never repeat the pasted text: it may be a private key.
 * @example decodeExtendedKey('zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1…').known?.prefix // 'zpub'
 */
export function decodeExtendedKey(text: string): ExtendedKeyFields {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid('the extended public key is empty');
  const decoded = base58CheckDecode(trimmed);
  if (!decoded.ok) {
    // A private key with a typo is still a private key: say so before anything else.
    const privateLooking = EXTENDED_KEY_VERSIONS.find((entry) => trimmed.startsWith(entry.privatePrefix));
    if (privateLooking) throw privateKeyRefused(privateLooking);
    throw invalid(`this is not a valid extended public key: ${decoded.problem}`, {
      problem: decoded.problem,
    });
  }
  const bytes = decoded.payload;
  if (bytes.length !== EXTENDED_KEY_BYTES) {
    if (bytes.length === 21) {
      throw invalid(
        'this is an address, not an extended public key: export the account xpub from the wallet',
      );
    }
    throw invalid(`this is ${bytes.length} bytes long; an extended public key has ${EXTENDED_KEY_BYTES}`, {
      length: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0);
  const entry = extendedKeyVersionOf(version);
  const keyData = bytes.subarray(45);
  if (entry?.isPrivate) throw privateKeyRefused(entry.version);
  if (keyData[0] === 0) throw privateKeyRefused(undefined);
  const prefix = entry?.version.prefix ?? trimmed.slice(0, 4);
  if (keyData[0] !== 2 && keyData[0] !== 3) {
    throw invalid('the key data is neither a compressed public key nor anything else Kassa can use', {
      prefix,
    });
  }
  try {
    secp256k1.Point.fromBytes(keyData);
  } catch {
    throw invalid('the public key in this extended key is not a point on secp256k1', { prefix });
  }
  const depth = bytes[4];
  const parentFingerprint = view.getUint32(5);
  const index = view.getUint32(9);
  if (depth === 0 && (parentFingerprint !== 0 || index !== 0)) {
    throw invalid('this key claims to be a master key (depth 0) but names a parent', { prefix });
  }
  return {
    version,
    known: entry?.version,
    prefix,
    depth,
    parentFingerprint,
    index,
    chainCode: Uint8Array.from(bytes.subarray(13, 45)),
    publicKey: Uint8Array.from(keyData),
  };
}

function invalid(message: string, details: Record<string, unknown> = {}): KassaError {
  return new KassaError('INVALID_XPUB', message, { details });
}

function privateKeyRefused(version: ExtendedKeyVersion | undefined): KassaError {
  const what = version ? ` (${version.privatePrefix})` : '';
  const instead = version ? `its ${version.prefix}` : 'the extended public key';
  return new KassaError(
    'INVALID_XPUB',
    `this is a private key${what}; Kassa needs only the public key: export ${instead} instead, and treat the pasted key as exposed`,
    { details: { prefix: version?.privatePrefix, private: true } },
  );
}
