import type { Address } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { ValidationError } from '../../domain/errors.ts';
import { derivePublicChild, derivePublicChildren, type PublicNode } from '../derive-public-children.ts';
import type { ParsedEvmExtendedKey } from './parse-evm-extended-key.ts';

export interface DerivedEvmAddress {
  index: number;
  /** EIP-55 checksummed. */
  address: Address;
}

const MAX_INDEX = 0x7fff_ffff;

/**
 * The address at m/44'/60'/a'/0/index of the parsed key's account.
 * @example deriveEvmAddress(parseEvmExtendedKey(xpub), 0).address // '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'
 */
export function deriveEvmAddress(parsed: ParsedEvmExtendedKey, index: number): DerivedEvmAddress {
  return deriveEvmAddresses(parsed, index, 1)[0];
}

/**
 * `count` consecutive addresses from `from`, sharing the expensive steps across the run.
 * @example deriveEvmAddresses(key, 0, 100).map((a) => a.address)
 */
export function deriveEvmAddresses(
  parsed: ParsedEvmExtendedKey,
  from: number,
  count: number,
): DerivedEvmAddress[] {
  if (!Number.isSafeInteger(from) || from < 0 || from > MAX_INDEX) {
    throw new ValidationError('index', 'must be an integer from 0 to 2147483647', { index: from });
  }
  if (!Number.isSafeInteger(count) || count < 0 || from + count - 1 > MAX_INDEX) {
    throw new ValidationError('count', 'must be a non-negative integer keeping indexes below 2^31', {
      count,
    });
  }
  const { publicKey, chainCode } = parsed.hdkey;
  if (!publicKey || !chainCode) throw new Error('parsed extended key has no public key or chain code');
  const key: PublicNode = { publicKey, chainCode };
  // An account key (depth 3) reaches its receive chain through /0; a chain key (depth 4) is it.
  const receiveChain = parsed.depth === 3 ? derivePublicChild(key, 0) : key;
  return derivePublicChildren(receiveChain, from, count).map((child) => ({
    index: child.index,
    // The address hashes the uncompressed key; the derivation already has both coordinates.
    address: publicKeyToAddress(`0x04${hex256(child.x)}${hex256(child.y)}`),
  }));
}

function hex256(n: bigint): string {
  return n.toString(16).padStart(64, '0');
}
