import { ByteReader, int64At, MalformedDataError } from './byte-reader.ts';
import type { ParsedTransaction, TransactionOutput } from './match-types.ts';
import { spentOutpoints } from './outpoint.ts';
import { transactionId } from './transaction-id.ts';
import { emptyLayout, readTransactionLayout } from './transaction-layout.ts';

/**
 * One serialized transaction (a mempool entry) read with the same code that walks blocks, so a
 * payment seen in the mempool and the same payment in a block agree on txid, vout and value.
 * Unlike a block, a transaction must use every byte: extra bytes mean the node sent something else.
 *
 * @example
 * const tx = parseTransaction(raw);
 * const paid = tx.outputs.filter((output) => watched.has(scriptKey(output.script)));
 */
export function parseTransaction(raw: Uint8Array): ParsedTransaction {
  const reader = new ByteReader(raw);
  const layout = emptyLayout();
  readTransactionLayout(reader, layout);
  if (reader.remaining !== 0) {
    throw new MalformedDataError(`transaction ends at byte ${reader.pos} of ${raw.length}`);
  }
  const outputs: TransactionOutput[] = [];
  const walker = new ByteReader(raw, layout.firstOutput);
  for (let vout = 0; vout < layout.outputCount; vout++) {
    const valueAt = walker.pos;
    walker.skip(8);
    const length = walker.varint();
    outputs.push({ vout, value: int64At(raw, valueAt), script: raw.slice(walker.pos, walker.pos + length) });
    walker.skip(length);
  }
  return {
    txid: transactionId(raw, layout),
    signalsRbf: layout.signalsRbf,
    spends: spentOutpoints(raw, layout),
    outputs,
  };
}
