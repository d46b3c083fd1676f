import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import { evmAddressOrThrow } from './evm-address-or-throw.ts';

const CHECKSUMMED = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';

function refusal(text: string): string {
  try {
    evmAddressOrThrow(text);
  } catch (error) {
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('INVALID_ADDRESS');
    return (error as KassaError).message;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('evmAddressOrThrow', () => {
  it('returns the EIP-55 form of checksummed, lowercase and uppercase input', () => {
    expect(evmAddressOrThrow(CHECKSUMMED)).toBe(CHECKSUMMED);
    expect(evmAddressOrThrow(CHECKSUMMED.toLowerCase())).toBe(CHECKSUMMED);
    expect(evmAddressOrThrow(`0x${CHECKSUMMED.slice(2).toUpperCase()}`)).toBe(CHECKSUMMED);
    expect(evmAddressOrThrow(` ${CHECKSUMMED}\n`)).toBe(CHECKSUMMED);
    // EIP-55's own examples.
    expect(evmAddressOrThrow('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe(
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    );
    expect(evmAddressOrThrow('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359')).toBe(
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    );
  });

  it('refuses a wrong checksum, wrong shapes and the zero address', () => {
    expect(refusal('0x9858EfFD232B4033E47d90003D41EC34EcaEda95')).toContain('checksum');
    expect(refusal('0x9858EFfD232B4033E47d90003D41EC34EcaEda94')).toContain('checksum');
    expect(refusal(CHECKSUMMED.slice(2))).toContain('0x followed by 40 hex digits');
    expect(refusal(`${CHECKSUMMED}00`)).toContain('40 hex digits');
    expect(refusal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu')).toContain('not an EVM address');
    expect(refusal(`0x${'0'.repeat(40)}`)).toContain('zero address');
  });
});
