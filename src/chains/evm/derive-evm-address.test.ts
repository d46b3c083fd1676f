import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { privateKeyToAddress } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import { ZPUB } from '../extended-key-versions.ts';
import { deriveEvmAddress, deriveEvmAddresses } from './derive-evm-address.ts';
import { parseEvmExtendedKey } from './parse-evm-extended-key.ts';

const seed = mnemonicToSeedSync(
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
);
const root = HDKey.fromMasterSeed(seed);
const hexKey = (key: HDKey) => `0x${Buffer.from(key.privateKey!).toString('hex')}` as const;

function refusal(text: string): string {
  try {
    parseEvmExtendedKey(text);
  } catch (error) {
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('INVALID_XPUB');
    return (error as KassaError).message;
  }
  throw new Error('expected a refusal');
}

describe('EVM addresses from an xpub', () => {
  it("derives the published m/44'/60'/0'/0/0 address from the account key (depth 3)", () => {
    const key = parseEvmExtendedKey(root.derive("m/44'/60'/0'").publicExtendedKey);
    expect(key.depth).toBe(3);
    expect(key.hdkey.privateKey).toBeNull();
    expect(deriveEvmAddress(key, 0).address).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
  });

  it('derives the same addresses from the receive-chain key (depth 4)', () => {
    const account = parseEvmExtendedKey(root.derive("m/44'/60'/0'").publicExtendedKey);
    const chain = parseEvmExtendedKey(root.derive("m/44'/60'/0'/0").publicExtendedKey);
    expect(chain.depth).toBe(4);
    expect(deriveEvmAddresses(chain, 0, 5)).toEqual(deriveEvmAddresses(account, 0, 5));
  });

  it('matches the addresses of the private keys at the same paths', () => {
    const key = parseEvmExtendedKey(` ${root.derive("m/44'/60'/0'").publicExtendedKey}\n`);
    for (const { index, address } of deriveEvmAddresses(key, 10, 10)) {
      expect(address).toBe(privateKeyToAddress(hexKey(root.derive(`m/44'/60'/0'/0/${index}`))));
    }
    expect(deriveEvmAddress(key, 15)).toEqual(deriveEvmAddresses(key, 15, 1)[0]);
  });

  it('refuses private keys, other depths, non-xpub versions and bad indexes', () => {
    expect(refusal(root.derive("m/44'/60'/0'").privateExtendedKey)).toContain('private key');
    expect(refusal(root.derive("m/44'/60'").publicExtendedKey)).toContain(
      "depth 2; export the account xpub at m/44'/60'/0'",
    );
    expect(refusal(root.derive("m/44'/60'/0'/0/0").publicExtendedKey)).toContain('depth 5');
    const zpub = HDKey.fromMasterSeed(seed, { public: ZPUB.public, private: ZPUB.private }).derive(
      "m/84'/0'/0'",
    );
    expect(refusal(zpub.publicExtendedKey)).toContain('zpub keys are bitcoin-family keys');
    expect(refusal('0x9858EfFD232B4033E47d90003D41EC34EcaEda94')).toContain('not base58');
    const key = parseEvmExtendedKey(root.derive("m/44'/60'/0'").publicExtendedKey);
    expect(() => deriveEvmAddress(key, -1)).toThrow(KassaError);
    expect(() => deriveEvmAddresses(key, 2 ** 31 - 1, 2)).toThrow(KassaError);
  });
});
