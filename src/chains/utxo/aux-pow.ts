import type { ByteReader } from './byte-reader.ts';
import { emptyLayout, readTransactionLayout } from './transaction-layout.ts';

/**
 * Merged-mined chains (Dogecoin) put a proof of the parent chain's work between the 80-byte
 * header and the transactions of any block whose version has bit 8 set. Bitcoin blocks may set
 * that bit too (it is a BIP9 signalling bit), so only a caller that knows its chain asks for it.
 */
export const AUX_POW_VERSION_BIT = 0x100;

/**
 * Moves the reader past an AuxPoW record: the parent's coinbase transaction, its block hash, the
 * coinbase and chain merkle branches (each a hash count, hashes, and a side mask), the parent header.
 *
 * @example
 * if (auxPow && (u32At(raw, 0) & AUX_POW_VERSION_BIT) !== 0) skipAuxPow(reader);
 */
export function skipAuxPow(reader: ByteReader): void {
  readTransactionLayout(reader, emptyLayout());
  reader.skip(32);
  for (let branch = 0; branch < 2; branch++) {
    reader.skip(reader.varint() * 32);
    reader.skip(4);
  }
  reader.skip(80);
}
