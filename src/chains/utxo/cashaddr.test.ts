import { describe, expect, it } from 'vitest';
import { KassaError } from '../../domain/errors.ts';
import { base58CheckDecode } from '../base58check.ts';
import { CASHADDR_P2PKH, CASHADDR_P2SH, decodeCashAddr, encodeCashAddr } from './cashaddr.ts';

// The CashAddr specification's test vectors (upgradespecs.bitcoincashnode.org/cashaddr).
const LEGACY_TRANSLATIONS = [
  ['1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'],
  ['1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR', 'bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy'],
  ['16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb', 'bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r'],
  ['3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq'],
  ['3LDsS579y7sruadqu11beEJoTjdFiFCdX4', 'bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e'],
  ['31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw', 'bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37'],
] as const;

const SIZED: [string, number, string][] = [
  ['F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9', 0, 'bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2'],
  ['F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9', 1, 'bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t'],
  ['F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9', 1, 'pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5'],
  ['F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9', 15, 'prefix:0r6m7j9njldwwzlg9v7v53unlr4jkmx6ey3qnjwsrf'],
  [
    '7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA',
    0,
    'bitcoincash:q9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2ws4mr9g0',
  ],
  [
    '7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA',
    15,
    'prefix:09adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2p29kc2lp',
  ],
  [
    '3A84F9CF51AAE98A3BB3A78BF16A6183790B18719126325BFC0C075B',
    1,
    'bchtest:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcvs7md7wt',
  ],
  [
    '3173EF6623C6B48FFD1A3DCC0CC6489B0A07BB47A37F47CFEF4FE69DE825C060',
    0,
    'bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake',
  ],
  [
    'C07138323E00FA4FC122D3B85B9628EA810B3F381706385E289B0B25631197D194B5C238BEB136FB',
    1,
    'pref:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv0vx5z0w3',
  ],
  [
    'D0F346310D5513D9E01E299978624BA883E6BDA8F4C60883C10F28C2967E67EC77ECC7EEEAEAFC6DA89FAD72D11AC961E164678B868AEEEC5F2C1DA08884175B',
    15,
    'prefix:0lg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96ms92w6845',
  ],
];

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('INVALID_ADDRESS');
    return (error as KassaError).message;
  }
  throw new Error('expected a refusal');
}

describe('cashaddr', () => {
  it('translates the specification’s legacy addresses both ways', () => {
    for (const [legacy, cash] of LEGACY_TRANSLATIONS) {
      const decoded = base58CheckDecode(legacy);
      if (!decoded.ok) throw new Error(decoded.problem);
      const type = decoded.payload[0] === 0 ? CASHADDR_P2PKH : CASHADDR_P2SH;
      const hash = decoded.payload.subarray(1);
      expect(encodeCashAddr({ prefix: 'bitcoincash', type, hash })).toBe(cash);
      expect(decodeCashAddr(cash)).toEqual({ prefix: 'bitcoincash', type, hash: Uint8Array.from(hash) });
    }
  });

  it('encodes and decodes every hash size and type of the specification', () => {
    for (const [hashHex, type, address] of SIZED) {
      const hash = Uint8Array.from(Buffer.from(hashHex, 'hex'));
      const prefix = address.slice(0, address.indexOf(':'));
      expect(encodeCashAddr({ prefix, type, hash })).toBe(address);
      expect(decodeCashAddr(address)).toEqual({ prefix, type, hash });
    }
  });

  it('decodes without the prefix when told which one to expect, and in upper case', () => {
    const [, cash] = LEGACY_TRANSLATIONS[0];
    const body = cash.slice('bitcoincash:'.length);
    expect(decodeCashAddr(body, 'bitcoincash')).toEqual(decodeCashAddr(cash));
    expect(decodeCashAddr(cash.toUpperCase())).toEqual(decodeCashAddr(cash));
    expect(refusal(() => decodeCashAddr(body))).toContain('no prefix');
    expect(refusal(() => decodeCashAddr(body, 'bchtest'))).toContain('checksum');
  });

  it('refuses mixed case, foreign characters, broken checksums and truncation', () => {
    const [, cash] = LEGACY_TRANSLATIONS[0];
    expect(refusal(() => decodeCashAddr(cash.replace('qpm2', 'Qpm2')))).toContain(
      'mixes upper and lower case',
    );
    expect(refusal(() => decodeCashAddr(`${cash.slice(0, -1)}b`))).toContain('not in the CashAddr alphabet');
    expect(refusal(() => decodeCashAddr(`${cash.slice(0, -1)}x`))).toContain('checksum');
    expect(refusal(() => decodeCashAddr(cash.slice(0, -1)))).toContain('too short');
    expect(refusal(() => decodeCashAddr(cash.replace('qpm2', 'qpm3')))).toContain('checksum');
    expect(refusal(() => decodeCashAddr('bitcoincash:qqqqqqqq'))).toContain('too short');
  });
});
