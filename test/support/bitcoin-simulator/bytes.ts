/** Byte helpers: Bitcoin shows hashes byte-reversed, and every layer converts between the two. */

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('not a hex string');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Internal (little-endian) hash bytes → the displayed id (txid, block hash). */
export function hashToId(hash: Uint8Array): string {
  return toHex(Uint8Array.from(hash).reverse());
}

/** Displayed id → internal hash bytes. */
export function idToHash(id: string): Uint8Array {
  return fromHex(id).reverse();
}

/** Whether `id` looks like a txid or block hash: 64 hex digits. */
export function isId(id: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(id);
}

/** "txid:vout", the key of an outpoint everywhere in the simulator (and in Kassa's matcher). */
export function outpointKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}

/** Money crosses the simulator's API as bigint; numbers are accepted when they are exact. */
export function toSats(amount: bigint | number): bigint {
  if (typeof amount === 'bigint') return amount;
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`amount ${amount} is not an integer number of sats`);
  return BigInt(amount);
}
