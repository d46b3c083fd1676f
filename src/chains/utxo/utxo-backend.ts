/**
 * What the UTXO watcher needs from a node, whichever protocol serves it (Bitcoin Core JSON-RPC
 * or Esplora REST). Blocks and transactions travel raw: parsing verbose JSON costs 20× more.
 */
export interface UtxoBackend {
  readonly kind: 'bitcoind' | 'esplora';
  /** Height and hash of the best block. */
  getTip(signal?: AbortSignal): Promise<{ height: number; hash: string }>;
  /** Hash of the block at `height` on the best chain. */
  getBlockHash(height: number, signal?: AbortSignal): Promise<string>;
  /** The serialized block (getblock verbosity 0, or /block/:hash/raw). */
  getRawBlock(hash: string, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * The mempool as far as `addresses` are concerned (bitcoind: the whole mempool; Esplora:
   * /address/:a/txs/mempool per address). `fresh`: raw transactions not returned by an earlier
   * call; `txids`: every txid seen in the mempool now, so the caller can tell which of its
   * unmined payments have left it (a txindex still serves dropped transactions' bytes, so
   * "fetchable" says nothing).
   */
  getMempoolTransactions(addresses: readonly string[], signal?: AbortSignal): Promise<MempoolView>;
  /** A transaction by id if the node knows it (mempool, or chain with txindex); undefined if not. */
  getRawTransaction(txid: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
}

export interface MempoolView {
  fresh: Uint8Array[];
  txids: ReadonlySet<string>;
}

/** A transport or node failure (down, timeout, HTTP 5xx, RPC error): the watcher retries with backoff. */
export class NodeUnavailableError extends Error {
  override name = 'NodeUnavailableError';
}
