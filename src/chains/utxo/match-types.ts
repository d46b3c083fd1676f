/** One output of a parsed block or transaction that pays a watched script. */
export interface MatchedOutput {
  txid: string;
  vout: number;
  /** The output script (scriptPubKey). */
  script: Uint8Array;
  /** Smallest units (satoshi). */
  value: bigint;
  /** BIP125: the transaction signals replaceability (some input nSequence < 0xfffffffe). */
  signalsRbf: boolean;
  /** Outpoints ("txid:vout") the transaction spends: how double-spends and RBF are found. */
  spends: string[];
}

/** An input of a block that spends an outpoint someone watches (a pending payment's input). */
export interface ConflictingSpend {
  outpoint: string;
  /** The transaction in the block that spends it. */
  txid: string;
}

export interface MatchedBlock {
  hash: string;
  prevHash: string;
  /** Number of transactions in the block. */
  txCount: number;
  outputs: MatchedOutput[];
  conflicts: ConflictingSpend[];
}

/**
 * Watched scripts as binary strings (`Buffer.from(script).toString('latin1')`): a Set of short
 * strings is the fastest exact lookup JavaScript has, ~58 MB per million P2WPKH scripts.
 */
export type WatchedScripts = ReadonlySet<string>;
/** Watched outpoints as "txid:vout". */
export type WatchedOutpoints = ReadonlySet<string>;

export function scriptKey(script: Uint8Array): string {
  return Buffer.from(script.buffer, script.byteOffset, script.byteLength).toString('latin1');
}

/** One output of a parsed transaction. */
export interface TransactionOutput {
  vout: number;
  /** Smallest units (satoshi). */
  value: bigint;
  /** The output script (scriptPubKey), copied out of the serialized transaction. */
  script: Uint8Array;
}

/** A serialized transaction read whole (mempool entries): what matching and RBF checks need. */
export interface ParsedTransaction {
  txid: string;
  /** BIP125: some input nSequence < 0xfffffffe. */
  signalsRbf: boolean;
  /** Outpoints ("txid:vout") the transaction spends; none for a coinbase. */
  spends: string[];
  outputs: TransactionOutput[];
}
