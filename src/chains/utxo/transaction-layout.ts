import { type ByteReader, MalformedDataError } from './byte-reader.ts';

/**
 * Where the parts of one serialized transaction sit, found in a single pass with no allocation.
 * Callers walk the parts they need again from these offsets: re-reading a few varints is far
 * cheaper than building objects for every input and output of a block.
 */
export interface TransactionLayout {
  /** Offset of the version field. */
  start: number;
  /** Offset just past the locktime. */
  end: number;
  /** BIP144 serialization (marker 0x00, flag 0x01, witness data before the locktime). */
  hasWitness: boolean;
  /** Offset of the input-count varint: with `outputsEnd`, the middle of the txid preimage. */
  inputsStart: number;
  inputCount: number;
  /** Offset of the first input (past its count). */
  firstInput: number;
  outputCount: number;
  /** Offset of the first output (past its count). */
  firstOutput: number;
  /** Offset just past the last output: where the witness data, or else the locktime, begins. */
  outputsEnd: number;
  /** BIP125: some input's nSequence is below 0xfffffffe. */
  signalsRbf: boolean;
}

const RBF_THRESHOLD = 0xfffffffe;

/** A layout to reuse across transactions: the block loop fills one object thousands of times. */
export function emptyLayout(): TransactionLayout {
  return {
    start: 0,
    end: 0,
    hasWitness: false,
    inputsStart: 0,
    inputCount: 0,
    firstInput: 0,
    outputCount: 0,
    firstOutput: 0,
    outputsEnd: 0,
    signalsRbf: false,
  };
}

/**
 * Reads one transaction at the reader's position into `layout` and leaves the reader after it.
 * Accepts exactly what bitcoinjs `Transaction.fromBuffer` accepts, including its refusal of a
 * witness flag with all-empty witnesses.
 *
 * @example
 * const layout = emptyLayout();
 * readTransactionLayout(new ByteReader(rawTx), layout);
 * layout.signalsRbf; // true when replaceable
 */
export function readTransactionLayout(reader: ByteReader, layout: TransactionLayout): void {
  const bytes = reader.bytes;
  layout.start = reader.pos;
  reader.skip(4);
  // An input count of zero is not valid in a transaction, which is what lets 0x00 0x01 mark segwit.
  const hasWitness = reader.remaining >= 2 && bytes[reader.pos] === 0 && bytes[reader.pos + 1] === 1;
  if (hasWitness) reader.pos += 2;
  layout.hasWitness = hasWitness;

  layout.inputsStart = reader.pos;
  const inputCount = reader.varint();
  layout.inputCount = inputCount;
  layout.firstInput = reader.pos;
  let signalsRbf = false;
  for (let i = 0; i < inputCount; i++) {
    reader.skip(36);
    reader.skip(reader.varint());
    if (reader.u32() < RBF_THRESHOLD) signalsRbf = true;
  }
  layout.signalsRbf = signalsRbf;

  const outputCount = reader.varint();
  layout.outputCount = outputCount;
  layout.firstOutput = reader.pos;
  for (let i = 0; i < outputCount; i++) {
    reader.skip(8);
    reader.skip(reader.varint());
  }
  layout.outputsEnd = reader.pos;

  if (hasWitness) {
    let anyWitness = false;
    for (let i = 0; i < inputCount; i++) {
      const items = reader.varint();
      if (items > 0) anyWitness = true;
      for (let j = 0; j < items; j++) reader.skip(reader.varint());
    }
    if (!anyWitness) {
      throw new MalformedDataError(`transaction at byte ${layout.start} has a witness flag but no witness`);
    }
  }
  reader.skip(4);
  layout.end = reader.pos;
}
