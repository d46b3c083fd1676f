import type { Block, Transaction } from 'bitcoinjs-lib';
import { hashToId } from './bytes.ts';
import { blockWork } from './network-params.ts';

/**
 * Every block the simulated node has seen: the active chain by height, stale branches by hash
 * (a node keeps reorged-out blocks and serves them), and a txindex over all of them. Like
 * Core's txindex, an entry survives its block being disconnected: such transactions stay
 * retrievable, but are no longer confirmed.
 */
export interface BlockRecord {
  hash: string;
  height: number;
  /** Hash of the parent; all zeros for genesis. */
  prevHash: string;
  /** Header timestamp, Unix seconds. */
  time: number;
  /** Parsed block (bitcoinjs); `raw` is its exact serialization. */
  block: Block;
  raw: Uint8Array;
  txids: string[];
  /** Total work of the chain up to and including this block. */
  chainwork: bigint;
}

interface IndexedTx {
  tx: Transaction;
  raw: Uint8Array;
  /** Blocks containing it, on any branch. */
  blocks: string[];
}

export class BlockTree {
  readonly #active: BlockRecord[] = [];
  readonly #byHash = new Map<string, BlockRecord>();
  readonly #txIndex = new Map<string, IndexedTx>();

  constructor(genesis: Block) {
    this.appendBlock(genesis);
  }

  tip(): { height: number; hash: string } {
    const top = this.tipBlock();
    return { height: top.height, hash: top.hash };
  }

  /** The block record at the tip. */
  tipBlock(): BlockRecord {
    return this.#active[this.#active.length - 1];
  }

  get height(): number {
    return this.#active.length - 1;
  }

  /** The active chain's block at `height`. */
  blockAt(height: number): BlockRecord | undefined {
    return this.#active[height];
  }

  /** A block by hash, on the active chain or a stale branch. */
  block(hash: string): BlockRecord | undefined {
    return this.#byHash.get(hash.toLowerCase());
  }

  /** Every block known, active or stale (for getchaintips). */
  allBlocks(): BlockRecord[] {
    return [...this.#byHash.values()];
  }

  isInBestChain(hash: string): boolean {
    const record = this.block(hash);
    return record !== undefined && this.#active[record.height] === record;
  }

  rawBlock(hash: string): Uint8Array | undefined {
    return this.block(hash)?.raw;
  }

  /** Median of the last 11 block times up to `height` (BIP113), as getblockchaininfo shows. */
  medianTimePast(height = this.height): number {
    const times = this.#active.slice(Math.max(0, height - 10), height + 1).map((b) => b.time);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }

  /** A transaction of any block ever connected, stale ones included. */
  protected indexedTx(txid: string): { tx: Transaction; raw: Uint8Array } | undefined {
    return this.#txIndex.get(txid);
  }

  /** The active-chain block containing `txid`, if any. */
  protected confirmingBlock(txid: string): BlockRecord | undefined {
    for (const hash of this.#txIndex.get(txid)?.blocks ?? []) {
      const record = this.#byHash.get(hash)!;
      if (this.#active[record.height] === record) return record;
    }
    return undefined;
  }

  /** Makes `block` (whose parent is the tip) the new tip and indexes its transactions. */
  protected appendBlock(block: Block): BlockRecord {
    const height = this.#active.length;
    const txids = block.transactions!.map((tx) => tx.getId());
    const record: BlockRecord = {
      hash: block.getId(),
      height,
      prevHash: hashToId(block.prevHash!),
      time: block.timestamp,
      block,
      raw: block.toBuffer(),
      txids,
      chainwork: (this.#active[height - 1]?.chainwork ?? 0n) + blockWork(block.bits),
    };
    this.#active.push(record);
    this.#byHash.set(record.hash, record);
    // Like Core, the genesis coinbase is not an ordinary, retrievable transaction.
    if (height > 0) {
      block.transactions!.forEach((tx, i) => {
        const indexed = this.#txIndex.get(txids[i]) ?? { tx, raw: tx.toBuffer(), blocks: [] };
        indexed.blocks.push(record.hash);
        this.#txIndex.set(txids[i], indexed);
      });
    }
    return record;
  }

  /** Takes the tip off the active chain; it stays known as a stale block. */
  protected popTip(): BlockRecord {
    if (this.height === 0) throw new Error('cannot disconnect the genesis block');
    return this.#active.pop()!;
  }
}
