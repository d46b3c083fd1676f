import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import { base58CheckDecode, base58CheckEncode } from '../base58check.ts';
import {
  DGUB,
  type ExtendedKeyVersion,
  LTUB,
  MTUB,
  TPUB,
  XPUB,
  YPUB,
  ZPUB,
} from '../extended-key-versions.ts';
import { parseExtendedKey } from './parse-extended-key.ts';

const seed = mnemonicToSeedSync(
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
);
const publicAt = (path: string, version: ExtendedKeyVersion = XPUB) =>
  HDKey.fromMasterSeed(seed, { public: version.public, private: version.private }).derive(path)
    .publicExtendedKey;
const privateAt = (path: string, version: ExtendedKeyVersion) =>
  HDKey.fromMasterSeed(seed, { public: version.public, private: version.private }).derive(path)
    .privateExtendedKey;

// SLIP-132's published test vectors (mnemonic "abandon ×11 about").
const SLIP132 = {
  xpub: 'xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj',
  ypub: 'ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP',
  zpub: 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs',
  xprv: 'xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkDxHXrqu53WCRGypk2ttuqncb',
  zprv: 'zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1yYNZKEm7z6qUWCroSQnE',
};

/** Runs `fn`, expecting a KassaError with `code`; returns it for further checks. */
function refusal(fn: () => unknown, code = 'INVALID_XPUB'): KassaError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe(code);
    return error as KassaError;
  }
  throw new Error('expected a refusal, but the key was accepted');
}

/** Re-serializes a key's 78 bytes after `edit`, with a valid checksum. */
function reencoded(text: string, edit: (bytes: Uint8Array, view: DataView) => void): string {
  const decoded = base58CheckDecode(text);
  if (!decoded.ok) throw new Error(decoded.problem);
  const bytes = Uint8Array.from(decoded.payload);
  edit(bytes, new DataView(bytes.buffer));
  return base58CheckEncode(bytes);
}

describe('parseExtendedKey: published keys', () => {
  it('derives the SLIP-132 vectors from the mnemonic, so the fixtures themselves are right', () => {
    expect(publicAt("m/44'/0'/0'")).toBe(SLIP132.xpub);
    expect(publicAt("m/49'/0'/0'", YPUB)).toBe(SLIP132.ypub);
    expect(publicAt("m/84'/0'/0'", ZPUB)).toBe(SLIP132.zpub);
  });

  it('takes the script type from the version: xpub → p2pkh, ypub → p2sh-p2wpkh, zpub → p2wpkh', () => {
    expect(parseExtendedKey(SLIP132.xpub, 'bitcoin').scriptType).toBe('p2pkh');
    expect(parseExtendedKey(SLIP132.ypub, 'bitcoin').scriptType).toBe('p2sh-p2wpkh');
    expect(parseExtendedKey(SLIP132.zpub, 'bitcoin').scriptType).toBe('p2wpkh');
  });

  it('reports depth, fingerprints and prefix, and normalizes to the xpub form', () => {
    const key = parseExtendedKey(SLIP132.zpub, 'bitcoin');
    const root = HDKey.fromMasterSeed(seed);
    expect(root.fingerprint.toString(16)).toBe('73c5da0a');
    expect(key.depth).toBe(3);
    expect(key.prefix).toBe('zpub');
    expect(key.fingerprint).toBe(root.derive("m/84'/0'/0'").fingerprint.toString(16).padStart(8, '0'));
    expect(key.parentFingerprint).toBe(root.derive("m/84'/0'").fingerprint.toString(16).padStart(8, '0'));
    expect(key.normalized).toBe(publicAt("m/84'/0'/0'"));
    expect(key.hdkey.privateKey).toBeNull();
    expect(key.network.name).toBe('bitcoin');
  });

  it('lets a plain xpub or tpub be used for any script type the chain has', () => {
    const xpub = publicAt("m/84'/0'/0'");
    expect(parseExtendedKey(xpub, 'bitcoin', 'p2wpkh').scriptType).toBe('p2wpkh');
    expect(parseExtendedKey(publicAt("m/86'/0'/0'"), 'bitcoin', 'p2tr').scriptType).toBe('p2tr');
    expect(parseExtendedKey(publicAt("m/86'/1'/0'", TPUB), 'bitcoin', 'p2tr', 'testnet').scriptType).toBe(
      'p2tr',
    );
  });

  it('ignores surrounding whitespace from copy and paste', () => {
    expect(parseExtendedKey(`  ${SLIP132.zpub}\n`, 'bitcoin').prefix).toBe('zpub');
  });

  it('accepts tpub, upub and vpub on testnet, signet and regtest alike', () => {
    for (const kind of ['testnet', 'signet', 'regtest'] as const) {
      expect(parseExtendedKey(publicAt("m/44'/1'/0'", TPUB), 'bitcoin', undefined, kind).scriptType).toBe(
        'p2pkh',
      );
      const upub = publicAt("m/49'/1'/0'", { ...TPUB, public: 0x044a5262, private: 0x044a4e28 });
      expect(parseExtendedKey(upub, 'bitcoin', undefined, kind).scriptType).toBe('p2sh-p2wpkh');
      const vpub = publicAt("m/84'/1'/0'", { ...TPUB, public: 0x045f1cf6, private: 0x045f18bc });
      expect(parseExtendedKey(vpub, 'bitcoin', undefined, kind).network.kind).toBe(kind);
    }
  });

  it("accepts each chain's own versions and the xpub family wallets commonly export", () => {
    expect(parseExtendedKey(publicAt("m/84'/2'/0'", ZPUB), 'litecoin').scriptType).toBe('p2wpkh');
    expect(parseExtendedKey(publicAt("m/44'/2'/0'", LTUB), 'litecoin').scriptType).toBe('p2pkh');
    expect(parseExtendedKey(publicAt("m/49'/2'/0'", MTUB), 'litecoin').scriptType).toBe('p2sh-p2wpkh');
    expect(parseExtendedKey(publicAt("m/44'/2'/0'", LTUB), 'litecoin').normalized).toBe(
      publicAt("m/44'/2'/0'"),
    );
    expect(parseExtendedKey(publicAt("m/44'/3'/0'", DGUB), 'dogecoin').prefix).toBe('dgub');
    expect(parseExtendedKey(publicAt("m/44'/3'/0'"), 'dogecoin').normalized).toBe(
      publicAt("m/44'/3'/0'", DGUB),
    );
    expect(parseExtendedKey(publicAt("m/44'/145'/0'"), 'bitcoin-cash').scriptType).toBe('p2pkh');
  });
});

describe('parseExtendedKey: refusals', () => {
  it('refuses private keys by name, without echoing them', () => {
    for (const [text, prefix] of [
      [SLIP132.xprv, 'xprv'],
      [SLIP132.zprv, 'zprv'],
      [privateAt("m/44'/1'/0'", TPUB), 'tprv'],
      [privateAt("m/44'/2'/0'", LTUB), 'Ltpv'],
      [privateAt("m/44'/3'/0'", DGUB), 'dgpv'],
    ] as const) {
      const error = refusal(() => parseExtendedKey(text, 'bitcoin'));
      expect(error.message).toContain('private key');
      expect(error.message).toContain(prefix);
      expect(JSON.stringify(error.details) + error.message).not.toContain(text.slice(4, 20));
    }
  });

  it('refuses a private key even when it is mistyped', () => {
    const typo = `${SLIP132.zprv.slice(0, -1)}${SLIP132.zprv.endsWith('E') ? 'F' : 'E'}`;
    expect(refusal(() => parseExtendedKey(typo, 'bitcoin')).message).toContain('private key');
  });

  it('refuses a private key under a public version (key data starting with 0x00)', () => {
    const disguised = reencoded(SLIP132.xprv, (_, view) => view.setUint32(0, XPUB.public));
    expect(refusal(() => parseExtendedKey(disguised, 'bitcoin')).message).toContain('private key');
  });

  it('refuses a testnet key for mainnet, and a mainnet key for testnet', () => {
    const tpub = publicAt("m/84'/1'/0'", TPUB);
    expect(refusal(() => parseExtendedKey(tpub, 'bitcoin')).message).toBe(
      'tpub keys are for test networks; this wallet is on bitcoin',
    );
    expect(refusal(() => parseExtendedKey(SLIP132.zpub, 'bitcoin', undefined, 'regtest')).message).toContain(
      'zpub keys are for mainnet',
    );
  });

  it('refuses segwit keys on chains without segwit', () => {
    const error = refusal(() => parseExtendedKey(SLIP132.zpub, 'dogecoin'));
    expect(error.message).toContain('dogecoin does not have');
    expect(error.message).toContain('dgub');
    expect(refusal(() => parseExtendedKey(SLIP132.ypub, 'bitcoin-cash')).message).toContain(
      'bitcoin-cash does not have',
    );
  });

  it("refuses another chain's keys", () => {
    const ltub = publicAt("m/44'/2'/0'", LTUB);
    expect(refusal(() => parseExtendedKey(ltub, 'bitcoin')).message).toBe(
      'Ltub keys belong to litecoin, not bitcoin',
    );
    const dgub = publicAt("m/44'/3'/0'", DGUB);
    expect(refusal(() => parseExtendedKey(dgub, 'litecoin')).message).toContain('dogecoin');
  });

  it('refuses script types the chain lacks, or that contradict the version', () => {
    expect(refusal(() => parseExtendedKey(SLIP132.xpub, 'dogecoin', 'p2wpkh')).message).toContain(
      'dogecoin has no p2wpkh',
    );
    expect(refusal(() => parseExtendedKey(SLIP132.xpub, 'bitcoin-cash', 'p2tr')).message).toContain(
      'bitcoin-cash has no p2tr',
    );
    expect(refusal(() => parseExtendedKey(SLIP132.zpub, 'bitcoin', 'p2pkh')).message).toContain(
      'zpub keys are for p2wpkh',
    );
  });

  it('refuses corrupted checksums, garbage, addresses and empty input', () => {
    const last = SLIP132.zpub.at(-1);
    const corrupted = SLIP132.zpub.slice(0, -1) + (last === 's' ? 't' : 's');
    expect(refusal(() => parseExtendedKey(corrupted, 'bitcoin')).message).toContain(
      'checksum does not match',
    );
    expect(refusal(() => parseExtendedKey('not an xpub at all', 'bitcoin')).message).toContain('not base58');
    expect(refusal(() => parseExtendedKey(SLIP132.zpub.slice(0, 60), 'bitcoin')).message).toContain(
      'checksum',
    );
    expect(
      refusal(() => parseExtendedKey('1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', 'bitcoin')).message,
    ).toContain('an address');
    expect(refusal(() => parseExtendedKey('   ', 'bitcoin')).message).toContain('empty');
  });

  it('refuses wrong lengths and unknown versions', () => {
    const decoded = base58CheckDecode(SLIP132.xpub);
    if (!decoded.ok) throw new Error('fixture');
    const short = base58CheckEncode(decoded.payload.subarray(0, 77));
    expect(refusal(() => parseExtendedKey(short, 'bitcoin')).message).toContain('77 bytes');
    const unknown = reencoded(SLIP132.xpub, (_, view) => view.setUint32(0, 0x11223344));
    expect(refusal(() => parseExtendedKey(unknown, 'bitcoin')).message).toContain(
      'unknown extended key version',
    );
  });

  it('refuses a public key that is not on the curve', () => {
    let x = 1;
    const candidate = new Uint8Array(33);
    candidate[0] = 2;
    for (; ; x++) {
      candidate[32] = x;
      try {
        secp256k1.Point.fromBytes(candidate);
      } catch {
        break;
      }
    }
    const offCurve = reencoded(SLIP132.xpub, (bytes) => bytes.set(candidate, 45));
    expect(refusal(() => parseExtendedKey(offCurve, 'bitcoin')).message).toContain(
      'not a point on secp256k1',
    );
  });

  it('refuses keys below the account level and inconsistent master keys', () => {
    const chainLevel = publicAt("m/84'/0'/0'/0");
    expect(refusal(() => parseExtendedKey(chainLevel, 'bitcoin', 'p2wpkh')).message).toContain('depth 4');
    const fakeMaster = reencoded(SLIP132.xpub, (bytes) => {
      bytes[4] = 0;
    });
    expect(refusal(() => parseExtendedKey(fakeMaster, 'bitcoin')).message).toContain('master key');
  });

  it('refuses networks a chain does not have', () => {
    expect(
      refusal(() => parseExtendedKey(SLIP132.xpub, 'dogecoin', undefined, 'signet'), 'VALIDATION').message,
    ).toBe('network: dogecoin has no signet; known: mainnet, testnet, regtest');
  });
});
