import { createHash } from 'node:crypto';
import type { TransactionLayout } from './transaction-layout.ts';

/**
 * Bitcoin ids are double SHA-256 shown byte-reversed. Node's OpenSSL hashes a 200-byte
 * transaction in about a microsecond, yet a block has thousands: callers hash only the few
 * transactions that matter.
 */

/** SHA-256(SHA-256(parts…)) as reversed hex, the way block hashes and txids are written. */
export function hash256ReversedHex(...parts: Uint8Array[]): string {
  const inner = createHash('sha256');
  for (const part of parts) inner.update(part);
  return createHash('sha256').update(inner.digest()).digest().reverse().toString('hex');
}

/**
 * The txid: the hash of the serialization without witness data (version, inputs, outputs,
 * locktime), which is why a segwit transaction is hashed as three slices of its bytes.
 *
 * @example
 * const layout = emptyLayout();
 * readTransactionLayout(new ByteReader(raw), layout);
 * transactionId(raw, layout); // 'f4184fc5…'
 */
export function transactionId(bytes: Uint8Array, layout: TransactionLayout): string {
  if (!layout.hasWitness) return hash256ReversedHex(bytes.subarray(layout.start, layout.end));
  return hash256ReversedHex(
    bytes.subarray(layout.start, layout.start + 4),
    bytes.subarray(layout.inputsStart, layout.outputsEnd),
    bytes.subarray(layout.end - 4, layout.end),
  );
}
