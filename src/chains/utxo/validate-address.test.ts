import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import type { UtxoChainName, UtxoNetworkKind } from './networks.ts';
import { utxoAddressToScript } from './validate-address.ts';

const script = (address: string, chain: UtxoChainName, kind: UtxoNetworkKind = 'mainnet') =>
  Buffer.from(utxoAddressToScript(address, chain, kind)).toString('hex');

function refusal(address: string, chain: UtxoChainName, kind: UtxoNetworkKind = 'mainnet'): string {
  try {
    utxoAddressToScript(address, chain, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('INVALID_ADDRESS');
    return (error as KassaError).message;
  }
  throw new Error(`expected ${address} to be refused on ${chain} ${kind}`);
}

describe('utxoAddressToScript: accepted', () => {
  it('takes the BIP173 and BIP350 segwit vectors, in either case', () => {
    expect(script('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bitcoin')).toBe(
      '0014751e76e8199196d454941c45d1b3a323f1433bd6',
    );
    expect(script('bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'bitcoin')).toBe(
      '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
    );
    expect(script('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'bitcoin')).toBe(
      '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
    expect(
      script('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'bitcoin', 'testnet'),
    ).toBe('00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262');
    expect(
      script('tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c', 'bitcoin', 'signet'),
    ).toBe('5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433');
  });

  it('takes base58 P2PKH and P2SH with their exact scripts', () => {
    expect(script('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin')).toBe(
      '76a91476a04053bda0a88bda5177b86a15c3b29f55987388ac',
    );
    expect(script('3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'bitcoin')).toBe(
      'a91476a04053bda0a88bda5177b86a15c3b29f55987387',
    );
    expect(script(' 2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2 ', 'bitcoin', 'testnet')).toBe(
      'a914336caa13e08b96080a32b5d818d59b4ab3b3674287',
    );
  });

  it("takes each chain's own formats", () => {
    expect(script('ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh', 'litecoin')).toMatch(/^0014/);
    expect(script('LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez', 'litecoin')).toMatch(/^76a914/);
    expect(script('DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC', 'dogecoin')).toMatch(/^76a914/);
    const p2pkh = script('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin');
    expect(script('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoin-cash')).toBe(p2pkh);
    expect(script('qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoin-cash')).toBe(p2pkh);
    expect(script('BITCOINCASH:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A', 'bitcoin-cash')).toBe(p2pkh);
    expect(script('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin-cash')).toBe(p2pkh);
    expect(script('bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq', 'bitcoin-cash')).toBe(
      script('3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'bitcoin'),
    );
    expect(script('bchtest:qqyx49mu0kkn9ftfj6hje6g2wfer34yfnqseeszx8x', 'bitcoin-cash', 'testnet')).toMatch(
      /^76a914/,
    );
  });
});

describe('utxoAddressToScript: refused', () => {
  it('refuses addresses of another network of the same chain', () => {
    expect(refusal('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'bitcoin')).toContain(
      'bitcoin-testnet',
    );
    expect(refusal('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'bitcoin', 'regtest')).toContain(
      'belongs to bitcoin, not bitcoin-regtest',
    );
    expect(refusal('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', 'bitcoin')).toContain('bitcoin-testnet');
    expect(refusal('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin', 'testnet')).toContain(
      'not of bitcoin-testnet',
    );
    expect(refusal('bchtest:qqyx49mu0kkn9ftfj6hje6g2wfer34yfnqseeszx8x', 'bitcoin-cash')).toContain(
      'bitcoin-cash-testnet',
    );
    expect(refusal('qqyx49mu0kkn9ftfj6hje6g2wfer34yfnqseeszx8x', 'bitcoin-cash')).toBe(
      'this is a bitcoin-cash-testnet address, not bitcoin-cash',
    );
  });

  it("refuses other chains' addresses", () => {
    expect(refusal('ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh', 'bitcoin')).toBe(
      'a ltc1… address belongs to litecoin, not bitcoin; bitcoin addresses start with bc1',
    );
    expect(refusal('LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez', 'bitcoin')).toContain('litecoin');
    expect(refusal('DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC', 'litecoin')).toContain('dogecoin');
    expect(refusal('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'dogecoin')).toContain('not dogecoin');
    expect(refusal('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoin')).toBe(
      'this is a bitcoin-cash address, not a bitcoin address',
    );
    // Litecoin's P2SH moved to 'M' addresses; a '3' address is Bitcoin's.
    expect(refusal('3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'litecoin')).toContain('bitcoin');
  });

  it('refuses the BIP350 invalid vectors and future witness versions', () => {
    const mainnet = [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
      'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
      'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
      'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
      'bc1pw5dgrnzv',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
      'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
      'bc1gmk9yu',
      'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut',
      // Valid v2 under BIP350, but anyone can spend it until a soft fork defines v2.
      'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
    ];
    for (const address of mainnet) refusal(address, 'bitcoin');
    const testnet = [
      'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf',
      'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47',
      'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq',
      'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j',
    ];
    for (const address of testnet) refusal(address, 'bitcoin', 'testnet');
  });

  it('refuses typos and garbage', () => {
    expect(refusal('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv', 'bitcoin')).toContain('checksum');
    expect(refusal('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'bitcoin')).toContain('mistyped');
    expect(refusal('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b', 'bitcoin-cash')).toContain(
      'not in the CashAddr alphabet',
    );
    expect(refusal('hello world', 'bitcoin')).toContain('not a bitcoin address');
    expect(refusal('', 'litecoin')).toContain('empty');
    expect(refusal('0x9858EfFD232B4033E47d90003D41EC34EcaEda94', 'bitcoin')).toContain(
      'not a bitcoin address',
    );
  });
});
