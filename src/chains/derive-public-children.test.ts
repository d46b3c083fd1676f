import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derivePublicChild, derivePublicChildren } from './derive-public-children.ts';

const seed = mnemonicToSeedSync(
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
);
const account = HDKey.fromExtendedKey(HDKey.fromMasterSeed(seed).derive("m/84'/0'/0'").publicExtendedKey);
const node = (key: HDKey) => ({ publicKey: key.publicKey!, chainCode: key.chainCode! });

describe('derivePublicChildren', () => {
  it('equals @scure/bip32 for a run of consecutive children', () => {
    const chain = account.deriveChild(0);
    const ours = derivePublicChildren(node(chain), 0, 64);
    ours.forEach((child, i) => {
      const theirs = chain.deriveChild(i);
      expect(child.index).toBe(i);
      expect(child.publicKey).toEqual(theirs.publicKey);
      expect(child.chainCode).toEqual(theirs.chainCode);
    });
  });

  it('equals @scure/bip32 at arbitrary non-hardened indexes, two levels deep', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 1 }),
        (index, change) => {
          const ours = derivePublicChild(derivePublicChild(node(account), change), index);
          const theirs = account.deriveChild(change).deriveChild(index);
          expect(ours.publicKey).toEqual(theirs.publicKey);
          expect(ours.chainCode).toEqual(theirs.chainCode);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps affine coordinates consistent with the compressed key', () => {
    const [child] = derivePublicChildren(node(account), 7, 1);
    expect(child.publicKey[0]).toBe(child.y & 1n ? 3 : 2);
    expect(Buffer.from(child.publicKey.subarray(1)).toString('hex')).toBe(
      child.x.toString(16).padStart(64, '0'),
    );
  });

  it('refuses hardened and negative ranges', () => {
    expect(() => derivePublicChildren(node(account), 2 ** 31 - 1, 2)).toThrow(RangeError);
    expect(() => derivePublicChildren(node(account), -1, 1)).toThrow(RangeError);
  });
});
