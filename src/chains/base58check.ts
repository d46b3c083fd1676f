import { sha256 } from './hashes.ts';

/**
 * Base58Check, the encoding of extended keys and legacy addresses. Kept here rather than taken
 * from a transitive dependency: it is twenty lines, and decoding must say *why* a string failed
 * (a character outside the alphabet, or a checksum that does not match) so that people can fix
 * what they pasted.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VALUES = new Map([...ALPHABET].map((char, value) => [char, BigInt(value)]));

export type Base58CheckDecoded = { ok: true; payload: Uint8Array } | { ok: false; problem: string };

/** @example base58CheckEncode(Uint8Array.of(0x00, ...hash160)) // '1…' */
export function base58CheckEncode(payload: Uint8Array): string {
  const bytes = new Uint8Array(payload.length + 4);
  bytes.set(payload);
  bytes.set(doubleSha256(payload).subarray(0, 4), payload.length);
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let text = '';
  while (n > 0n) {
    text = ALPHABET[Number(n % 58n)] + text;
    n /= 58n;
  }
  // Each leading zero byte is written as a '1', or it would vanish in the number.
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) text = '1' + text;
  return text;
}

/**
 * Decodes and checks the 4-byte checksum; never throws.
 * @example base58CheckDecode('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu') // { ok: true, payload: 00 76a0… }
 */
export function base58CheckDecode(text: string): Base58CheckDecoded {
  let n = 0n;
  let zeros = 0;
  for (let i = 0; i < text.length; i++) {
    const value = VALUES.get(text[i]);
    if (value === undefined) {
      return {
        ok: false,
        problem: `character ${JSON.stringify(text[i])} at position ${i + 1} is not base58`,
      };
    }
    if (value === 0n && n === 0n) zeros++;
    n = n * 58n + value;
  }
  const body: number[] = [];
  while (n > 0n) {
    body.push(Number(n & 0xffn));
    n >>= 8n;
  }
  const bytes = new Uint8Array(zeros + body.length);
  for (let i = 0; i < body.length; i++) bytes[bytes.length - 1 - i] = body[i];
  if (bytes.length < 5) return { ok: false, problem: 'too short to hold a checksum' };
  const payload = bytes.subarray(0, bytes.length - 4);
  const checksum = doubleSha256(payload);
  for (let i = 0; i < 4; i++) {
    if (checksum[i] !== bytes[payload.length + i]) {
      return { ok: false, problem: 'checksum does not match (a mistyped or truncated copy?)' };
    }
  }
  return { ok: true, payload: Uint8Array.from(payload) };
}

function doubleSha256(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}
