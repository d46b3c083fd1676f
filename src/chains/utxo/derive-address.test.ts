import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { payments } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import { type ExtendedKeyVersion, TPUB, XPUB } from '../extended-key-versions.ts';
import { deriveUtxoAddress, deriveUtxoAddresses } from './derive-address.ts';
import type { ScriptType, UtxoChainName, UtxoNetworkKind } from './networks.ts';
import { parseExtendedKey } from './parse-extended-key.ts';
import { utxoAddressToScript } from './validate-address.ts';

const seed = mnemonicToSeedSync(
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
);
const publicAt = (path: string, version: ExtendedKeyVersion = XPUB) =>
  HDKey.fromMasterSeed(seed, { public: version.public, private: version.private }).derive(path)
    .publicExtendedKey;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function account(
  path: string,
  chain: UtxoChainName,
  scriptType?: ScriptType,
  kind: UtxoNetworkKind = 'mainnet',
) {
  return parseExtendedKey(publicAt(path, kind === 'mainnet' ? XPUB : TPUB), chain, scriptType, kind);
}

describe('deriveUtxoAddress: published vectors (mnemonic "abandon ×11 about")', () => {
  it("BIP84 m/84'/0'/0': first and second receive, first change", () => {
    const key = account("m/84'/0'/0'", 'bitcoin', 'p2wpkh');
    expect(deriveUtxoAddress(key, 0).address).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(deriveUtxoAddress(key, 1).address).toBe('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
    expect(deriveUtxoAddress(key, 0, 1).address).toBe('bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
    expect(hex(deriveUtxoAddress(key, 0).scriptPubKey)).toBe('0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2');
  });

  it("BIP49 m/49'/0'/0' (SLIP-132) and the BIP's own testnet vector m/49'/1'/0'", () => {
    expect(deriveUtxoAddress(account("m/49'/0'/0'", 'bitcoin', 'p2sh-p2wpkh'), 0).address).toBe(
      '37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf',
    );
    const testnet = account("m/49'/1'/0'", 'bitcoin', 'p2sh-p2wpkh', 'testnet');
    expect(deriveUtxoAddress(testnet, 0).address).toBe('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2');
    expect(hex(deriveUtxoAddress(testnet, 0).scriptPubKey)).toBe(
      'a914336caa13e08b96080a32b5d818d59b4ab3b3674287',
    );
  });

  it("BIP86 m/86'/0'/0': receive 0 and 1, change 0, and the published output key", () => {
    const key = parseExtendedKey(
      'xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ',
      'bitcoin',
      'p2tr',
    );
    expect(key.normalized).toBe(publicAt("m/86'/0'/0'"));
    const first = deriveUtxoAddress(key, 0);
    expect(first.address).toBe('bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr');
    expect(hex(first.scriptPubKey)).toBe(
      '5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c',
    );
    expect(deriveUtxoAddress(key, 1).address).toBe(
      'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh',
    );
    expect(deriveUtxoAddress(key, 0, 1).address).toBe(
      'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7',
    );
  });

  it("BIP44 bitcoin m/44'/0'/0'", () => {
    const first = deriveUtxoAddress(account("m/44'/0'/0'", 'bitcoin'), 0);
    expect(first.address).toBe('1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA');
    expect(hex(first.scriptPubKey)).toBe('76a914d986ed01b7a22225a70edbf2ba7cfb63a15cb3aa88ac');
  });

  it("Bitcoin Cash m/44'/145'/0' in CashAddr, on mainnet and testnet prefixes", () => {
    const key = parseExtendedKey(
      'xpub6ByHsPNSQXTWZ7PLESMY2FufyYWtLXagSUpMQq7Un96SiThZH2iJB1X7pwviH1WtKVeDP6K8d6xxFzzoaFzF3s8BKCZx8oEDdDkNnp4owAZ',
      'bitcoin-cash',
    );
    const first = deriveUtxoAddress(key, 0);
    expect(first.address).toBe('bitcoincash:qqyx49mu0kkn9ftfj6hje6g2wfer34yfnq5tahq3q6');
    // The same key hash as the legacy form of this address, 1mW6fDEMjKrDHvLvoEsaeLxSCzZBf3Bfg.
    expect(first.scriptPubKey).toEqual(utxoAddressToScript('1mW6fDEMjKrDHvLvoEsaeLxSCzZBf3Bfg', 'bitcoin'));
    const testnet = parseExtendedKey(publicAt("m/44'/145'/0'", TPUB), 'bitcoin-cash', undefined, 'testnet');
    expect(deriveUtxoAddress(testnet, 0).address).toBe('bchtest:qqyx49mu0kkn9ftfj6hje6g2wfer34yfnqseeszx8x');
  });

  it("Litecoin m/84'/2'/0' (ltc1) carries the same key hash as bitcoin would for that key", () => {
    const key = account("m/84'/2'/0'", 'litecoin', 'p2wpkh');
    expect(deriveUtxoAddress(key, 0).address).toBe('ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh');
    expect(deriveUtxoAddress(key, 1).address).toBe('ltc1qwlezpr3890hcp6vva9twqh27mr6edadreqvhnn');
    expect(deriveUtxoAddress(key, 0, 1).address).toBe('ltc1qyeljcy9v88jg8sqvnqh0m5q390xruc5r98q9yy');
    const asBitcoin = parseExtendedKey(publicAt("m/84'/2'/0'"), 'bitcoin', 'p2wpkh');
    const onBitcoin = deriveUtxoAddress(asBitcoin, 0);
    expect(onBitcoin.address.startsWith('bc1q')).toBe(true);
    expect(onBitcoin.scriptPubKey).toEqual(deriveUtxoAddress(key, 0).scriptPubKey);
  });

  it("Litecoin m/44'/2'/0' legacy starts with L; Dogecoin m/44'/3'/0' starts with D", () => {
    expect(deriveUtxoAddress(account("m/44'/2'/0'", 'litecoin'), 0).address).toBe(
      'LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez',
    );
    expect(deriveUtxoAddress(account("m/44'/3'/0'", 'dogecoin'), 0).address).toBe(
      'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC',
    );
  });

  it('uses each test network’s prefixes: tb1 on testnet and signet, bcrt1 on regtest', () => {
    const at = (kind: UtxoNetworkKind) =>
      deriveUtxoAddress(account("m/84'/1'/0'", 'bitcoin', 'p2wpkh', kind), 0);
    expect(at('testnet').address).toBe('tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl');
    expect(at('signet').address).toBe(at('testnet').address);
    expect(at('regtest').address.startsWith('bcrt1q')).toBe(true);
    expect(at('regtest').scriptPubKey).toEqual(at('testnet').scriptPubKey);
    const ltcTest = deriveUtxoAddress(account("m/84'/1'/0'", 'litecoin', 'p2wpkh', 'testnet'), 0);
    expect(ltcTest.address.startsWith('tltc1q')).toBe(true);
  });
});

describe('deriveUtxoAddresses', () => {
  it('gives, per index, what deriveUtxoAddress gives', () => {
    for (const scriptType of ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'] as const) {
      const key = account("m/84'/0'/0'", 'bitcoin', scriptType);
      const run = deriveUtxoAddresses(key, 5, 4, 1);
      expect(run.map((a) => a.index)).toEqual([5, 6, 7, 8]);
      for (const one of run) expect(deriveUtxoAddress(key, one.index, 1)).toEqual(one);
    }
    expect(deriveUtxoAddresses(account("m/84'/0'/0'", 'bitcoin'), 0, 0)).toEqual([]);
  });

  it('matches bitcoinjs-lib payments built from @scure/bip32 keys, for every script type but p2tr', () => {
    const root = HDKey.fromMasterSeed(seed);
    const cases = [
      ['p2pkh', "m/44'/0'/0'", (pubkey: Uint8Array) => payments.p2pkh({ pubkey })],
      [
        'p2sh-p2wpkh',
        "m/49'/0'/0'",
        (pubkey: Uint8Array) => payments.p2sh({ redeem: payments.p2wpkh({ pubkey }) }),
      ],
      ['p2wpkh', "m/84'/0'/0'", (pubkey: Uint8Array) => payments.p2wpkh({ pubkey })],
    ] as const;
    for (const [scriptType, path, payment] of cases) {
      const ours = deriveUtxoAddresses(account(path, 'bitcoin', scriptType), 0, 25);
      for (const { index, address, scriptPubKey } of ours) {
        const theirs = payment(root.derive(`${path}/0/${index}`).publicKey!);
        expect(address).toBe(theirs.address);
        expect(scriptPubKey).toEqual(theirs.output);
      }
    }
  });

  it('yields addresses that validate back to the same script on their own network', () => {
    const cases: [UtxoChainName, UtxoNetworkKind, ScriptType][] = [
      ['bitcoin', 'mainnet', 'p2tr'],
      ['bitcoin', 'regtest', 'p2sh-p2wpkh'],
      ['litecoin', 'mainnet', 'p2sh-p2wpkh'],
      ['litecoin', 'testnet', 'p2tr'],
      ['bitcoin-cash', 'regtest', 'p2pkh'],
      ['dogecoin', 'testnet', 'p2pkh'],
    ];
    for (const [chain, kind, scriptType] of cases) {
      for (const { address, scriptPubKey } of deriveUtxoAddresses(
        account("m/0'", chain, scriptType, kind),
        0,
        3,
      )) {
        expect(utxoAddressToScript(address, chain, kind)).toEqual(scriptPubKey);
      }
    }
  });

  it('refuses indexes outside the non-hardened range and unknown change chains', () => {
    const key = account("m/84'/0'/0'", 'bitcoin', 'p2wpkh');
    for (const call of [
      () => deriveUtxoAddress(key, -1),
      () => deriveUtxoAddress(key, 2 ** 31),
      () => deriveUtxoAddress(key, 1.5),
      () => deriveUtxoAddresses(key, 2 ** 31 - 2, 3),
      () => deriveUtxoAddress(key, 0, 2 as 0),
    ]) {
      expect(call).toThrow(KassaError);
    }
    expect(deriveUtxoAddress(key, 2 ** 31 - 1).index).toBe(2 ** 31 - 1);
  });
});
