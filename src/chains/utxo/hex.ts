/**
 * Hex at the boundary with nodes. Buffer.from(hex, 'hex') stops silently at the first bad
 * character, so a damaged answer would become a short block instead of an error: check the length.
 */

const HASH = /^[0-9a-fA-F]{64}$/;

/** A block hash or txid as nodes write them: 64 hex digits. @example isHash('00'.repeat(32)) // true */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HASH.test(value);
}

/** The bytes of an even-length hex string, or undefined if it is not one. @example decodeHex('0aff') // Uint8Array [10, 255] */
export function decodeHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const buffer = Buffer.from(hex, 'hex');
  if (buffer.length * 2 !== hex.length) return undefined;
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** Refuses what cannot be a hash before it is put into a request (and an Esplora path). */
export function expectHash(value: string, what: string): string {
  if (!isHash(value)) throw new RangeError(`${what} must be 64 hex digits, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}
