import { KassaError } from '../../domain/errors.ts';

/**
 * CashAddr, Bitcoin Cash's address format (upgradespecs.bitcoincashnode.org/cashaddr):
 * `prefix:` + base32(version byte ‖ hash ‖ 40-bit BCH checksum). The prefix is part of the
 * checksum even when it is not written, which is why decoding an address without one needs to
 * know which prefix to expect.
 */

export interface CashAddr {
  /** `bitcoincash`, `bchtest`, `bchreg`, ... (lowercase). */
  prefix: string;
  /** 0 P2PKH, 1 P2SH; 2 and 3 are their CashTokens-aware forms (same scripts). */
  type: number;
  hash: Uint8Array;
}

export const CASHADDR_P2PKH = 0;
export const CASHADDR_P2SH = 1;
export const CASHADDR_P2PKH_WITH_TOKENS = 2;
export const CASHADDR_P2SH_WITH_TOKENS = 3;

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHARSET_VALUES = new Map([...CHARSET].map((char, value) => [char, value]));
/** The version byte's 3 size bits index this table of hash lengths. */
const HASH_LENGTHS = [20, 24, 28, 32, 40, 48, 56, 64];
const GENERATORS = [0x98f2bc8e61n, 0x79b76d99e2n, 0xf33e5fb3c4n, 0xae2eabe2a8n, 0x1e4f43e470n];

/**
 * @example encodeCashAddr({ prefix: 'bitcoincash', type: CASHADDR_P2PKH, hash })
 * // 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'
 */
export function encodeCashAddr({ prefix, type, hash }: CashAddr): string {
  const sizeBits = HASH_LENGTHS.indexOf(hash.length);
  if (sizeBits < 0) throw new RangeError(`a CashAddr hash has one of ${HASH_LENGTHS.join(', ')} bytes`);
  if (!Number.isInteger(type) || type < 0 || type > 15) throw new RangeError('CashAddr type is 0..15');
  const payload = toFiveBits(Uint8Array.of((type << 3) | sizeBits, ...hash));
  const checksum = polymod([...prefixValues(prefix), 0, ...payload, 0, 0, 0, 0, 0, 0, 0, 0]);
  let text = `${prefix}:`;
  for (const value of payload) text += CHARSET[value];
  for (let i = 7; i >= 0; i--) text += CHARSET[Number((checksum >> BigInt(5 * i)) & 31n)];
  return text;
}

/**
 * Decodes and verifies a CashAddr; `expectedPrefix` is used when the text carries none.
 * @example decodeCashAddr('qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoincash').type // 0
 */
export function decodeCashAddr(text: string, expectedPrefix?: string): CashAddr {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw invalid('mixes upper and lower case, which CashAddr forbids');
  }
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf(':');
  const prefix = separator >= 0 ? lower.slice(0, separator) : expectedPrefix;
  if (!prefix) throw invalid('has no prefix (such as bitcoincash:) and none was expected');
  const body = lower.slice(separator + 1);
  const values: number[] = [];
  for (const char of body) {
    const value = CHARSET_VALUES.get(char);
    if (value === undefined)
      throw invalid(`contains ${JSON.stringify(char)}, which is not in the CashAddr alphabet`);
    values.push(value);
  }
  if (values.length < 8 + 34) throw invalid('is too short');
  if (polymod([...prefixValues(prefix), 0, ...values]) !== 0n) {
    throw invalid(
      `checksum does not match under prefix ${prefix} (a mistyped address, or one of another network?)`,
    );
  }
  const bytes = fromFiveBits(values.slice(0, -8));
  if (!bytes) throw invalid('has non-zero padding bits');
  const version = bytes[0];
  if (version & 0x80) throw invalid('uses a reserved version bit');
  const hash = bytes.subarray(1);
  if (hash.length !== HASH_LENGTHS[version & 7]) throw invalid('hash length does not match its version byte');
  return { prefix, type: version >> 3, hash: Uint8Array.from(hash) };
}

function prefixValues(prefix: string): number[] {
  return [...prefix].map((char) => char.charCodeAt(0) & 31);
}

function polymod(values: number[]): bigint {
  let c = 1n;
  for (const value of values) {
    const top = c >> 35n;
    c = ((c & 0x07ffffffffn) << 5n) ^ BigInt(value);
    for (let bit = 0; bit < 5; bit++) if ((top >> BigInt(bit)) & 1n) c ^= GENERATORS[bit];
  }
  return c ^ 1n;
}

function toFiveBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const byte of bytes) {
    accumulator = ((accumulator << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((accumulator >> bits) & 31);
    }
  }
  if (bits > 0) out.push((accumulator << (5 - bits)) & 31);
  return out;
}

/** Undoes toFiveBits; undefined when the padding is longer than 4 bits or not zero. */
function fromFiveBits(values: number[]): Uint8Array | undefined {
  const out: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const value of values) {
    accumulator = ((accumulator << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((accumulator >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return undefined;
  return Uint8Array.from(out);
}

function invalid(problem: string): KassaError {
  return new KassaError('INVALID_ADDRESS', `this CashAddr address ${problem}`, {
    details: { format: 'cashaddr' },
  });
}
