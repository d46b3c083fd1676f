/**
 * What a chain adapter reports to the watcher, whatever the chain family: credits to watched
 * addresses, per block or from the mempool, and spends that conflict with pending payments.
 */
export interface ObservedCredit {
  txid: string;
  /** Output index (UTXO) or log index (ERC-20); -1 for a native EVM transfer. */
  outputIndex: number;
  address: string;
  asset: string;
  /** Smallest units. */
  amount: bigint;
  signalsRbf: boolean;
  /** Outpoints the transaction spends ("txid:vout"); empty on EVM chains. */
  spends: string[];
}

export interface ObservedConflict {
  outpoint: string;
  /** The transaction that spent the outpoint. */
  txid: string;
}

export interface ObservedBlock {
  height: number;
  hash: string;
  prevHash: string;
  /** Block timestamp: EVM addresses are reused, so a credit counts for an invoice only after it took the address. */
  time?: Date;
  credits: ObservedCredit[];
  conflicts: ObservedConflict[];
}
