/**
 * A bounds-checked cursor over serialized Bitcoin data. It never copies: readers take offsets and
 * hand them to whoever needs the bytes, so a 1.5 MB block is walked without allocating per field.
 */

/** The bytes are not a valid block or transaction (truncated, oversized count, stray witness flag). */
export class MalformedDataError extends Error {
  override name = 'MalformedDataError';
}

/**
 * @example
 * const reader = new ByteReader(raw);
 * const version = reader.u32();
 * const inputCount = reader.varint();
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Moves past `n` bytes, refusing to run off the end (an out-of-range index reads as undefined, not an error). */
  skip(n: number): void {
    const next = this.pos + n;
    if (next > this.bytes.length) throw this.truncated(n);
    this.pos = next;
  }

  u8(): number {
    if (this.pos >= this.bytes.length) throw this.truncated(1);
    return this.bytes[this.pos++];
  }

  /** Little-endian unsigned 32-bit. */
  u32(): number {
    const b = this.bytes;
    const p = this.pos;
    if (p + 4 > b.length) throw this.truncated(4);
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /**
   * CompactSize. Every count it returns is checked against the bytes left, since each counted
   * item takes at least one byte: a corrupt count fails here instead of looping for ages.
   */
  varint(): number {
    const b = this.bytes;
    const p = this.pos;
    if (p >= b.length) throw this.truncated(1);
    const first = b[p];
    let value: number;
    if (first < 0xfd) {
      this.pos = p + 1;
      return first;
    }
    if (first === 0xfd) {
      if (p + 3 > b.length) throw this.truncated(3);
      value = b[p + 1] | (b[p + 2] << 8);
      this.pos = p + 3;
    } else if (first === 0xfe) {
      if (p + 5 > b.length) throw this.truncated(5);
      value = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24)) >>> 0;
      this.pos = p + 5;
    } else {
      if (p + 9 > b.length) throw this.truncated(9);
      const high = (b[p + 5] | (b[p + 6] << 8) | (b[p + 7] << 16) | (b[p + 8] << 24)) >>> 0;
      if (high !== 0) throw new MalformedDataError(`count at byte ${p} exceeds 2^32`);
      value = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24)) >>> 0;
      this.pos = p + 9;
    }
    if (value > b.length - this.pos) {
      throw new MalformedDataError(
        `count ${value} at byte ${p} exceeds the ${b.length - this.pos} bytes left`,
      );
    }
    return value;
  }

  private truncated(wanted: number): MalformedDataError {
    return new MalformedDataError(
      `data ends at byte ${this.bytes.length}: wanted ${wanted} more bytes at ${this.pos}`,
    );
  }
}

/** Little-endian unsigned 32-bit at `p`, for offsets a reader already checked. @example u32At(raw, 0) // block version */
export function u32At(bytes: Uint8Array, p: number): number {
  return (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
}

/**
 * Little-endian signed 64-bit at `p`: an output's value in satoshis. Signed, like the node's
 * CAmount and bitcoinjs; consensus keeps real values between 0 and 21e14.
 * @example int64At(raw, valueOffset) // 5000000000n
 */
export function int64At(bytes: Uint8Array, p: number): bigint {
  const high = bytes[p + 4] | (bytes[p + 5] << 8) | (bytes[p + 6] << 16) | (bytes[p + 7] << 24);
  return (BigInt(high) << 32n) + BigInt(u32At(bytes, p));
}
