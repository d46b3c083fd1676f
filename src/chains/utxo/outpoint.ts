import { ByteReader, u32At } from './byte-reader.ts';
import type { TransactionLayout } from './transaction-layout.ts';

/**
 * Outpoints ("txid:vout") in the two forms Kassa needs: the readable string the watcher stores,
 * and the 36 serialized bytes (hash in internal byte order, then vout little-endian) found in
 * an input. Comparing serialized bytes spares hex-encoding every input of a block.
 */

/**
 * The outpoint an input spends, from the input's first byte.
 * @example outpointAt(rawTx, layout.firstInput) // '9f2c…e1:0'
 */
export function outpointAt(bytes: Uint8Array, offset: number): string {
  const txid = Buffer.from(bytes.subarray(offset, offset + 32))
    .reverse()
    .toString('hex');
  return `${txid}:${u32At(bytes, offset + 32)}`;
}

/** The coinbase's input spends nothing: all-zero hash and vout 0xffffffff. */
export function isNullOutpoint(bytes: Uint8Array, offset: number): boolean {
  if (u32At(bytes, offset + 32) !== 0xffffffff) return false;
  for (let i = offset; i < offset + 32; i++) if (bytes[i] !== 0) return false;
  return true;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * The serialized form of "txid:vout" as a binary string, comparable with the 36 bytes of an input.
 * Built by hand rather than through Buffer: a block is matched against every pending payment's
 * outpoints, and this runs for each of them on every block.
 * @example outpointKey(`${'ab'.repeat(32)}:1`).length // 36
 */
export function outpointKey(outpoint: string): string {
  const vout = outpoint.length > 65 && outpoint.charCodeAt(64) === 58 ? parseVout(outpoint) : -1;
  if (vout < 0) throw new RangeError(`not an outpoint "txid:vout": ${outpoint}`);
  const codes = new Array<number>(36);
  for (let i = 0; i < 32; i++) {
    const high = HEX_VALUE[outpoint.charCodeAt(62 - 2 * i)] ?? -1;
    const low = HEX_VALUE[outpoint.charCodeAt(63 - 2 * i)] ?? -1;
    if (high < 0 || low < 0) throw new RangeError(`not an outpoint "txid:vout": ${outpoint}`);
    codes[i] = (high << 4) | low;
  }
  codes[32] = vout & 0xff;
  codes[33] = (vout >>> 8) & 0xff;
  codes[34] = (vout >>> 16) & 0xff;
  codes[35] = vout >>> 24;
  return String.fromCharCode(...codes);
}

/** The decimal vout after the colon, or -1 when it is not one (signs, spaces, over 32 bits). */
function parseVout(outpoint: string): number {
  if (outpoint.length > 75) return -1;
  let vout = 0;
  for (let i = 65; i < outpoint.length; i++) {
    const digit = outpoint.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    vout = vout * 10 + digit;
  }
  return vout > 0xffffffff ? -1 : vout;
}

/**
 * "txid:vout" of each input of a transaction the layout pass already bounds-checked, the
 * coinbase's null prevout left out.
 * @example spentOutpoints(raw, layout) // ['9f2c…e1:0', '77ab…04:3']
 */
export function spentOutpoints(bytes: Uint8Array, layout: TransactionLayout): string[] {
  const reader = new ByteReader(bytes, layout.firstInput);
  const spends: string[] = [];
  for (let i = 0; i < layout.inputCount; i++) {
    const at = reader.pos;
    reader.skip(36);
    reader.skip(reader.varint() + 4);
    if (!isNullOutpoint(bytes, at)) spends.push(outpointAt(bytes, at));
  }
  return spends;
}
