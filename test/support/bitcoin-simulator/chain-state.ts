import { type Network, Transaction } from 'bitcoinjs-lib';
import { type AcceptanceOptions, checkForMempool, TxRejected } from './acceptance.ts';
import { assembleBlock } from './block-assembly.ts';
import { type BlockRecord, BlockTree } from './block-tree.ts';
import { fromHex, hashToId, idToHash, outpointKey } from './bytes.ts';
import { Mempool, type MempoolEntry } from './mempool.ts';
import { blockSubsidy, networkParams, type SimulatedNetworkParams } from './network-params.ts';
import { type BlockUndo, type Coin, spentOutpoint, UtxoSet } from './utxo-set.ts';

export type { BlockRecord } from './block-tree.ts';

export interface ChainStateOptions {
  network: Network;
  segwit: boolean;
  fullRbf: boolean;
  /** Coinbase rewards go to this script, split in `payoutOutputs` outputs. */
  payoutScript: Uint8Array;
  payoutOutputs: number;
  /** Current time in milliseconds (tests can freeze it). */
  now: () => number;
}

export type TxStatus =
  | { confirmed: false; inMempool: boolean }
  | { confirmed: true; height: number; blockHash: string; blockTime: number };

export type MempoolSelection = 'all' | 'none' | readonly string[];

/**
 * The node half of the simulator, on top of the block tree: the UTXO set with undo data and
 * the mempool, connecting and disconnecting blocks. It knows consensus-shaped rules (linking,
 * spends, maturity) but nothing about wallets or test scenarios; `BitcoinSimulator` adds those.
 */
export class ChainState extends BlockTree {
  readonly network: Network;
  readonly params: SimulatedNetworkParams;
  readonly segwit: boolean;
  fullRbf: boolean;
  protected readonly utxos = new UtxoSet();
  protected readonly mempool = new Mempool();
  readonly #options: ChainStateOptions;
  readonly #undo = new Map<string, BlockUndo>();
  #extraNonce = 0;

  constructor(options: ChainStateOptions) {
    // Genesis enters the tree but, as in Core, its coinbase never enters the UTXO set.
    const params = networkParams(options.network);
    super(params.genesis);
    this.params = params;
    this.#options = options;
    this.network = options.network;
    this.segwit = options.segwit;
    this.fullRbf = options.fullRbf;
  }

  /** Mempool or any block, stale ones included (txindex=1 behaviour). */
  rawTx(txid: string): Uint8Array | undefined {
    const id = txid.toLowerCase();
    return this.mempool.get(id)?.raw ?? this.indexedTx(id)?.raw;
  }

  transaction(txid: string): Transaction | undefined {
    const id = txid.toLowerCase();
    return this.mempool.get(id)?.tx ?? this.indexedTx(id)?.tx;
  }

  mempoolTxids(): string[] {
    return this.mempool.txids();
  }

  mempoolEntry(txid: string): MempoolEntry | undefined {
    return this.mempool.get(txid.toLowerCase());
  }

  mempoolEntries(): MempoolEntry[] {
    return this.mempool.entries();
  }

  /** In-mempool parents and children, for getmempoolentry's depends/spentby. */
  mempoolRelatives(txid: string): {
    parents: string[];
    children: string[];
    ancestors: string[];
    descendants: string[];
  } {
    return {
      parents: this.mempool.parents(txid),
      children: this.mempool.children(txid),
      ancestors: this.mempool.withAncestors(txid),
      descendants: this.mempool.withDescendants(txid),
    };
  }

  txStatus(txid: string): TxStatus {
    const id = txid.toLowerCase();
    const record = this.confirmingBlock(id);
    if (record)
      return { confirmed: true, height: record.height, blockHash: record.hash, blockTime: record.time };
    return { confirmed: false, inMempool: this.mempool.has(id) };
  }

  /** The output `txid:vout` of any known transaction, spent or not (Esplora's prevout). */
  output(txid: string, vout: number): { value: bigint; script: Uint8Array } | undefined {
    return this.transaction(txid)?.outs[vout];
  }

  /** Inputs minus outputs, from the known previous outputs (0 for a coinbase). */
  feeOf(tx: Transaction): bigint {
    if (tx.isCoinbase()) return 0n;
    const valueIn = tx.ins.reduce((sum, input) => {
      const prev = this.output(hashToId(input.hash), input.index);
      if (!prev) throw new Error(`unknown previous output of ${tx.getId()}`);
      return sum + prev.value;
    }, 0n);
    return valueIn - tx.outs.reduce((sum, out) => sum + out.value, 0n);
  }

  /** An unspent coin of the active chain. */
  coin(txid: string, vout: number): Coin | undefined {
    return this.utxos.get(outpointKey(txid.toLowerCase(), vout));
  }

  /**
   * sendrawtransaction: validates and adds to the mempool (replacing what it conflicts with, if
   * the replacement rules allow). Returns the txid; a transaction already in the mempool is a no-op.
   */
  submitTransaction(input: Transaction | Uint8Array | string, options: AcceptanceOptions = {}): string {
    const tx = typeof input === 'string' || input instanceof Uint8Array ? decodeTransaction(input) : input;
    const txid = tx.getId();
    if (this.mempool.has(txid)) return txid;
    const accepted = checkForMempool(tx, txid, this.#acceptanceContext(), options);
    for (const replaced of accepted.replaces) this.mempool.remove(replaced);
    this.mempool.add(this.#mempoolEntry(tx, txid, accepted.fee, accepted.spends, this.#nowSeconds()));
    return txid;
  }

  /** Removes a transaction and its descendants from the mempool; returns what was removed. */
  dropFromMempool(txid: string): string[] {
    return this.mempool.removeWithDescendants(txid.toLowerCase()).map((e) => e.txid);
  }

  /**
   * Mines one block on the tip: the selected mempool transactions (with their in-mempool
   * ancestors, in arrival order) followed by `direct` ones that never went through the mempool
   * (a miner's own double-spend). Mempool transactions conflicting with `direct` are left out
   * and, like every conflict of a new block, evicted.
   */
  protected mineOne(
    select: MempoolSelection,
    direct: readonly Transaction[] = [],
    timestamp?: number,
  ): BlockRecord {
    const directSpends = direct.flatMap((tx) => tx.ins.map(spentOutpoint));
    const excluded = new Set<string>();
    for (const conflict of this.mempool.conflicts(directSpends)) {
      for (const t of this.mempool.withDescendants(conflict)) excluded.add(t);
    }
    const wanted = new Set<string>();
    const requested = select === 'all' ? this.mempool.txids() : select === 'none' ? [] : select;
    for (const txid of requested) {
      if (!this.mempool.has(txid)) continue;
      for (const t of this.mempool.withAncestors(txid)) wanted.add(t);
    }
    const chosen = this.mempool.entries().filter((e) => wanted.has(e.txid) && !excluded.has(e.txid));
    return this.#connect([...chosen.map((e) => e.tx), ...direct], timestamp);
  }

  /**
   * Disconnects the tip block (undoing its UTXO changes) and returns its non-coinbase
   * transactions. The block stays retrievable by hash as a stale block.
   */
  protected disconnectTip(): Transaction[] {
    const record = this.popTip();
    const transactions = record.block.transactions!;
    this.utxos.disconnect(transactions, record.txids, this.#undo.get(record.hash)!);
    this.#undo.delete(record.hash);
    return transactions.slice(1);
  }

  /**
   * After a disconnect, Core re-adds the disconnected blocks' transactions to the mempool ahead
   * of what was already there, and evicts whatever no longer validates (spent inputs, coinbase
   * spends that became immature). `drop` lists transactions that vanish instead.
   */
  protected resubmitAfterDisconnect(
    resurrected: readonly Transaction[],
    drop: ReadonlySet<string>,
  ): string[] {
    const previous = this.mempool.clear();
    const times = new Map(previous.map((e) => [e.txid, e.time]));
    const evicted: string[] = [];
    for (const tx of [...resurrected, ...previous.map((e) => e.tx)]) {
      const txid = tx.getId();
      if (drop.has(txid) || this.mempool.has(txid)) continue;
      try {
        const accepted = checkForMempool(tx, txid, this.#acceptanceContext(), { bypassPolicy: true });
        if (accepted.replaces.length > 0) throw new TxRejected(-26, 'txn-mempool-conflict');
        this.mempool.add(
          this.#mempoolEntry(tx, txid, accepted.fee, accepted.spends, times.get(txid) ?? this.#nowSeconds()),
        );
      } catch (error) {
        if (!(error instanceof TxRejected)) throw error;
        evicted.push(txid);
      }
    }
    return evicted;
  }

  #connect(transactions: Transaction[], timestamp?: number): BlockRecord {
    const tip = this.tipBlock();
    const height = tip.height + 1;
    const fees = this.#blockFees(transactions, height);
    const time = Math.max(timestamp ?? this.#nowSeconds(), tip.time + 1, this.medianTimePast() + 1);
    const block = assembleBlock({
      prevHash: idToHash(tip.hash),
      height,
      timestamp: time,
      transactions,
      reward: blockSubsidy(height, this.params.halvingInterval) + fees,
      payoutScript: this.#options.payoutScript,
      payoutOutputs: this.#options.payoutOutputs,
      extraNonce: ++this.#extraNonce,
      segwit: this.segwit,
    });
    const record = this.appendBlock(block);
    this.#undo.set(record.hash, this.utxos.connect(block.transactions!, record.txids, height));
    this.#evictConfirmedAndConflicts(block.transactions!.slice(1), record.txids.slice(1));
    return record;
  }

  /** Fees of a candidate block's transactions, checking every input exists (earlier in the block or in the UTXO set). */
  #blockFees(transactions: readonly Transaction[], height: number): bigint {
    const created = new Map<string, bigint>();
    const spent = new Set<string>();
    let fees = 0n;
    for (const tx of transactions) {
      const txid = tx.getId();
      let valueIn = 0n;
      for (const input of tx.ins) {
        const outpoint = spentOutpoint(input);
        const value = created.get(outpoint) ?? this.utxos.get(outpoint)?.value;
        if (value === undefined || spent.has(outpoint)) {
          throw new Error(`cannot mine ${txid} at height ${height}: input ${outpoint} is missing or spent`);
        }
        spent.add(outpoint);
        valueIn += value;
      }
      tx.outs.forEach((out, vout) => {
        created.set(outpointKey(txid, vout), out.value);
      });
      fees += valueIn - tx.outs.reduce((sum, out) => sum + out.value, 0n);
    }
    return fees;
  }

  #evictConfirmedAndConflicts(transactions: readonly Transaction[], txids: readonly string[]): void {
    for (const txid of txids) this.mempool.remove(txid);
    const spends = transactions.flatMap((tx) => tx.ins.map(spentOutpoint));
    for (const conflict of this.mempool.conflicts(spends)) this.mempool.removeWithDescendants(conflict);
  }

  #acceptanceContext() {
    return {
      coin: (outpoint: string) => this.utxos.get(outpoint),
      mempool: this.mempool,
      nextHeight: this.height + 1,
      fullRbf: this.fullRbf,
    };
  }

  #mempoolEntry(tx: Transaction, txid: string, fee: bigint, spends: string[], time: number): MempoolEntry {
    return {
      txid,
      tx,
      raw: tx.toBuffer(),
      fee,
      vsize: tx.virtualSize(),
      weight: tx.weight(),
      time,
      height: this.height,
      spends,
    };
  }

  #nowSeconds(): number {
    return Math.floor(this.#options.now() / 1000);
  }
}

function decodeTransaction(input: Uint8Array | string): Transaction {
  try {
    const tx = Transaction.fromBuffer(typeof input === 'string' ? fromHex(input) : input);
    if (tx.ins.length === 0) throw new Error('no inputs');
    return tx;
  } catch {
    throw new TxRejected(-22, 'TX decode failed. Make sure the tx has at least one input.');
  }
}
