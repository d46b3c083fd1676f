import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hmacSha512 } from './hashes.ts';

/**
 * BIP32 public child derivation (CKDpub) for runs of consecutive children, 2-3x faster than
 * @scure/bip32's `deriveChild` (measured here: ~0.24 ms against ~0.6 ms per P2WPKH address),
 * because it:
 * - decodes the parent point once per run instead of twice per child (each decode is a square root);
 * - multiplies with `multiplyUnsafe`, the variable-time ladder: the scalar I_L is computed from
 *   the extended public key alone, so timing can reveal nothing the xpub does not already give;
 * - turns all children to affine form with one shared field inversion;
 * - uses Node's native HMAC-SHA512.
 * Results equal @scure/bip32's (the tests compare them over many indexes).
 */

const { Point } = secp256k1;
const { Fn, Fp } = Point;
const HARDENED = 0x8000_0000;

/** What derivation needs of a node; an @scure/bip32 HDKey has both (non-null when public). */
export interface PublicNode {
  /** 33-byte compressed SEC1 public key. */
  publicKey: Uint8Array;
  chainCode: Uint8Array;
}

export interface PublicChild extends PublicNode {
  index: number;
  /** Affine coordinates, so callers needing the full point (EVM, taproot) skip a square root. */
  x: bigint;
  y: bigint;
}

/**
 * Derives children `from` … `from + count - 1` of `parent` (non-hardened only).
 * @example derivePublicChildren({ publicKey, chainCode }, 0, 20).map((c) => c.publicKey)
 */
export function derivePublicChildren(parent: PublicNode, from: number, count: number): PublicChild[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || from < 0 || count < 0) {
    throw new RangeError(`child range must be non-negative integers, got from=${from} count=${count}`);
  }
  if (from + count > HARDENED)
    throw new RangeError('public derivation cannot reach hardened indexes (≥ 2^31)');
  const parentPoint = Point.fromBytes(parent.publicKey);
  const data = new Uint8Array(37);
  data.set(parent.publicKey);
  const view = new DataView(data.buffer);
  const points = new Array<InstanceType<typeof Point>>(count);
  const chainCodes = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const index = from + i;
    view.setUint32(33, index);
    const I = hmacSha512(parent.chainCode, data);
    const tweak = Fn.fromBytes(I.subarray(0, 32), true);
    // BIP32: an I_L ≥ n or a child at infinity makes this index unusable (odds ~2^-127).
    // Wallets skip such an index; so must the caller.
    if (!Fn.isValid(tweak)) throw unusableIndex(index);
    const point = tweak === 0n ? parentPoint : parentPoint.add(Point.BASE.multiplyUnsafe(tweak));
    if (point.is0()) throw unusableIndex(index);
    points[i] = point;
    chainCodes[i] = Uint8Array.from(I.subarray(32));
  }
  const inverseZs = Fp.invertBatch(points.map((p) => p.Z));
  return points.map((point, i) => {
    const { x, y } = point.toAffine(inverseZs[i]);
    const publicKey = new Uint8Array(33);
    publicKey[0] = y & 1n ? 3 : 2;
    publicKey.set(Fp.toBytes(x), 1);
    return { index: from + i, publicKey, chainCode: chainCodes[i], x, y };
  });
}

/**
 * One child; for runs, derivePublicChildren shares the expensive steps.
 * @example derivePublicChild(accountNode, 0) // the receive chain of a BIP44 account
 */
export function derivePublicChild(parent: PublicNode, index: number): PublicChild {
  return derivePublicChildren(parent, index, 1)[0];
}

function unusableIndex(index: number): Error {
  return new Error(`BIP32 child ${index} is invalid for this key (I_L out of range); skip this index`);
}
