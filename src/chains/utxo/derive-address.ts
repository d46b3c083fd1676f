import { secp256k1 } from '@noble/curves/secp256k1.js';
import { address as bitcoinAddress } from 'bitcoinjs-lib';
import { ValidationError } from '../../domain/errors.ts';
import { base58CheckEncode } from '../base58check.ts';
import {
  derivePublicChild,
  derivePublicChildren,
  type PublicChild,
  type PublicNode,
} from '../derive-public-children.ts';
import { hash160, taggedHash } from '../hashes.ts';
import { CASHADDR_P2PKH, encodeCashAddr } from './cashaddr.ts';
import type { UtxoNetwork } from './networks.ts';
import { p2pkhScript, p2shScript, witnessScript } from './output-scripts.ts';
import type { ParsedExtendedKey } from './parse-extended-key.ts';

export interface DerivedUtxoAddress {
  index: number;
  address: string;
  /** The exact output script a payment to `address` carries; the chain watcher matches on it. */
  scriptPubKey: Uint8Array;
}

const { Point } = secp256k1;
const { Fn, Fp } = Point;
const MAX_INDEX = 0x7fff_ffff;

/**
 * The address at account/change/index: the parsed key is the account node, change 0 is the
 * receive chain and 1 the change chain (BIP44).
 * @example deriveUtxoAddress(parseExtendedKey(zpub, 'bitcoin'), 0).address // 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'
 */
export function deriveUtxoAddress(
  parsed: ParsedExtendedKey,
  index: number,
  change: 0 | 1 = 0,
): DerivedUtxoAddress {
  return deriveUtxoAddresses(parsed, index, 1, change)[0];
}

/**
 * `count` consecutive addresses from `from`, deriving the chain node (account/change) once and
 * sharing the expensive steps across the run: the way to fill an address pool.
 * @example deriveUtxoAddresses(key, 0, 1000).map((a) => a.scriptPubKey)
 */
export function deriveUtxoAddresses(
  parsed: ParsedExtendedKey,
  from: number,
  count: number,
  change: 0 | 1 = 0,
): DerivedUtxoAddress[] {
  if (!Number.isSafeInteger(from) || from < 0 || from > MAX_INDEX) {
    throw new ValidationError('index', 'must be an integer from 0 to 2147483647', { index: from });
  }
  if (!Number.isSafeInteger(count) || count < 0 || from + count - 1 > MAX_INDEX) {
    throw new ValidationError('count', 'must be a non-negative integer keeping indexes below 2^31', {
      count,
    });
  }
  if (change !== 0 && change !== 1) throw new ValidationError('change', 'must be 0 (receive) or 1 (change)');
  const chainNode = derivePublicChild(publicNodeOf(parsed), change);
  const children = derivePublicChildren(chainNode, from, count);
  const { network, scriptType } = parsed;
  switch (scriptType) {
    case 'p2pkh':
      return children.map((child) => p2pkh(child, network));
    case 'p2sh-p2wpkh':
      return children.map((child) => p2shP2wpkh(child, network));
    case 'p2wpkh':
      return children.map((child) => p2wpkh(child, network));
    case 'p2tr':
      return p2trAll(children, network);
  }
}

function publicNodeOf(parsed: ParsedExtendedKey): PublicNode {
  const { publicKey, chainCode } = parsed.hdkey;
  if (!publicKey || !chainCode) throw new Error('parsed extended key has no public key or chain code');
  return { publicKey, chainCode };
}

function p2pkh(child: PublicChild, network: UtxoNetwork): DerivedUtxoAddress {
  const hash = hash160(child.publicKey);
  const address = network.cashAddrPrefix
    ? encodeCashAddr({ prefix: network.cashAddrPrefix, type: CASHADDR_P2PKH, hash })
    : base58CheckEncode(Uint8Array.of(network.pubKeyHash, ...hash));
  return { index: child.index, address, scriptPubKey: p2pkhScript(hash) };
}

function p2shP2wpkh(child: PublicChild, network: UtxoNetwork): DerivedUtxoAddress {
  // BIP49: the redeem script is the P2WPKH program, and the output pays to its hash.
  const hash = hash160(witnessScript(0, hash160(child.publicKey)));
  const address = base58CheckEncode(Uint8Array.of(network.scriptHash, ...hash));
  return { index: child.index, address, scriptPubKey: p2shScript(hash) };
}

function p2wpkh(child: PublicChild, network: UtxoNetwork): DerivedUtxoAddress {
  const program = hash160(child.publicKey);
  const address = bitcoinAddress.toBech32(program, 0, bech32PrefixOf(network));
  return { index: child.index, address, scriptPubKey: witnessScript(0, program) };
}

/**
 * BIP86: output key Q = P + int(hashTapTweak(x(P)))·G with P the child key lifted to even y,
 * no script tree. Done in a batch so the affine conversions share one inversion.
 */
function p2trAll(children: PublicChild[], network: UtxoNetwork): DerivedUtxoAddress[] {
  const hrp = bech32PrefixOf(network);
  const outputPoints = children.map((child) => {
    const xOnly = child.publicKey.subarray(1);
    const tweak = Fn.fromBytes(taggedHash('TapTweak', xOnly), true);
    if (!Fn.isValid(tweak))
      throw new Error(`taproot tweak out of range at index ${child.index}; skip this index`);
    const evenY = child.y & 1n ? Fp.neg(child.y) : child.y;
    const internal = Point.fromAffine({ x: child.x, y: evenY });
    return internal.add(Point.BASE.multiplyUnsafe(tweak));
  });
  const inverseZs = Fp.invertBatch(outputPoints.map((p) => p.Z));
  return children.map((child, i) => {
    const outputKey = Fp.toBytes(outputPoints[i].toAffine(inverseZs[i]).x);
    return {
      index: child.index,
      address: bitcoinAddress.toBech32(outputKey, 1, hrp),
      scriptPubKey: witnessScript(1, outputKey),
    };
  });
}

function bech32PrefixOf(network: UtxoNetwork): string {
  if (!network.bech32) throw new Error(`${network.name} has no segwit addresses`);
  return network.bech32;
}
