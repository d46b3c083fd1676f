import { describe, expect, it } from 'vitest';
import { outpointAt, outpointKey } from './outpoint.ts';

describe('outpointKey', () => {
  it('is the 36 serialized bytes that outpointAt reads back', () => {
    const txid = '0123456789abcdef'.repeat(4);
    for (const vout of [0, 1, 255, 256, 65_536, 0xffffffff]) {
      const key = outpointKey(`${txid}:${vout}`);
      const bytes = Buffer.from(key, 'latin1');
      expect(bytes).toHaveLength(36);
      expect(bytes.subarray(0, 32).reverse().toString('hex')).toBe(txid);
      expect(bytes.readUInt32LE(32)).toBe(vout);
      expect(outpointAt(Buffer.from(key, 'latin1'), 0)).toBe(`${txid}:${vout}`);
    }
    expect(outpointKey(`${txid.toUpperCase()}:3`)).toBe(outpointKey(`${txid}:3`));
  });

  it.each([
    ['no vout', 'ab'.repeat(32)],
    ['empty vout', `${'ab'.repeat(32)}:`],
    ['vout over 32 bits', `${'ab'.repeat(32)}:4294967296`],
    ['negative vout', `${'ab'.repeat(32)}:-1`],
    ['vout with a space', `${'ab'.repeat(32)}: 1`],
    ['short txid', `${'ab'.repeat(31)}:1`],
    ['non-hex txid', `${'zz'.repeat(32)}:1`],
    ['non-ASCII txid', `${'é'.repeat(64)}:1`],
  ])('refuses %s', (_name, outpoint) => {
    expect(() => outpointKey(outpoint)).toThrow(RangeError);
  });
});
