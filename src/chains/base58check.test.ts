import { describe, expect, it } from 'vitest';
import { base58CheckDecode, base58CheckEncode } from './base58check.ts';

describe('base58check', () => {
  it('round-trips a legacy address, leading zero byte included', () => {
    const decoded = base58CheckDecode('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu');
    expect(decoded).toEqual({
      ok: true,
      payload: Uint8Array.from(Buffer.from('0076a04053bda0a88bda5177b86a15c3b29f559873', 'hex')),
    });
    if (decoded.ok) expect(base58CheckEncode(decoded.payload)).toBe('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu');
    expect(base58CheckEncode(new Uint8Array(21))).toBe('1111111111111111111114oLvT2');
  });

  it('says why a string does not decode', () => {
    expect(base58CheckDecode('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv')).toMatchObject({ ok: false });
    expect(base58CheckDecode('0BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu')).toEqual({
      ok: false,
      problem: 'character "0" at position 1 is not base58',
    });
    expect(base58CheckDecode('1')).toEqual({ ok: false, problem: 'too short to hold a checksum' });
  });
});
