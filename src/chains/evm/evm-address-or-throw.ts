import { type Address, checksumAddress } from 'viem';
import { KassaError } from '../../domain/errors.ts';

const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

/**
 * Checks a 0x address and returns its EIP-55 checksummed form. Mixed case is a checksum and
 * must match (it catches typos); all-lowercase and all-uppercase hex carry none and are taken as
 * they are. The zero address is refused: whatever is sent there is burnt.
 * @example evmAddressOrThrow('0x9858effd232b4033e47d90003d41ec34ecaeda94') // '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'
 */
export function evmAddressOrThrow(text: string): Address {
  const trimmed = text.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    throw invalid('this is not an EVM address: expected 0x followed by 40 hex digits');
  }
  const digits = trimmed.slice(2);
  const checksummed = checksumAddress(`0x${digits.toLowerCase()}`);
  const hasChecksum = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (hasChecksum && checksummed !== trimmed) {
    throw invalid('the address checksum (its mix of upper and lower case) does not match: is it mistyped?');
  }
  if (checksummed === ZERO_ADDRESS) throw invalid('the zero address burns whatever is sent to it');
  return checksummed;
}

function invalid(message: string): KassaError {
  return new KassaError('INVALID_ADDRESS', message, { details: { format: 'evm' } });
}
