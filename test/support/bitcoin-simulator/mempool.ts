import type { Transaction } from 'bitcoinjs-lib';
import { outpointKey } from './bytes.ts';

/** A transaction waiting for a block, with what policy and RPC answers need about it. */
export interface MempoolEntry {
  txid: string;
  tx: Transaction;
  raw: Uint8Array;
  fee: bigint;
  vsize: number;
  weight: number;
  /** Unix seconds it entered (kept across reorgs, like Core). */
  time: number;
  /** Tip height when it entered. */
  height: number;
  /** Outpoints ("txid:vout") it spends. */
  spends: string[];
}

/**
 * The mempool: entries in arrival order (which keeps every parent before its children, so a
 * block can take them in this order), and an index of spent outpoints to find conflicts.
 */
export class Mempool {
  readonly #entries = new Map<string, MempoolEntry>();
  readonly #spentBy = new Map<string, string>();

  get size(): number {
    return this.#entries.size;
  }

  has(txid: string): boolean {
    return this.#entries.has(txid);
  }

  get(txid: string): MempoolEntry | undefined {
    return this.#entries.get(txid);
  }

  txids(): string[] {
    return [...this.#entries.keys()];
  }

  entries(): MempoolEntry[] {
    return [...this.#entries.values()];
  }

  /** The mempool transaction spending `outpoint`, if any. */
  spender(outpoint: string): string | undefined {
    return this.#spentBy.get(outpoint);
  }

  /** Mempool transactions that spend an outpoint `spends` also spends. */
  conflicts(spends: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (const outpoint of spends) {
      const txid = this.#spentBy.get(outpoint);
      if (txid) found.add(txid);
    }
    return found;
  }

  add(entry: MempoolEntry): void {
    if (this.#entries.has(entry.txid)) return;
    this.#entries.set(entry.txid, entry);
    for (const outpoint of entry.spends) this.#spentBy.set(outpoint, entry.txid);
  }

  /** Removes one entry only; callers decide about descendants. */
  remove(txid: string): MempoolEntry | undefined {
    const entry = this.#entries.get(txid);
    if (!entry) return undefined;
    this.#entries.delete(txid);
    for (const outpoint of entry.spends) {
      if (this.#spentBy.get(outpoint) === txid) this.#spentBy.delete(outpoint);
    }
    return entry;
  }

  /** Mempool transactions spending an output of `txid`. */
  children(txid: string): string[] {
    const entry = this.#entries.get(txid);
    if (!entry) return [];
    const found: string[] = [];
    for (let vout = 0; vout < entry.tx.outs.length; vout++) {
      const child = this.#spentBy.get(outpointKey(txid, vout));
      if (child) found.push(child);
    }
    return found;
  }

  /** Mempool transactions whose outputs `txid` spends. */
  parents(txid: string): string[] {
    const entry = this.#entries.get(txid);
    if (!entry) return [];
    const found = new Set<string>();
    for (const outpoint of entry.spends) {
      const parent = outpoint.slice(0, 64);
      if (this.#entries.has(parent)) found.add(parent);
    }
    return [...found];
  }

  /** `txid` and everything in the mempool that depends on it, transitively. */
  withDescendants(txid: string): string[] {
    return closure(txid, (t) => this.children(t));
  }

  /** `txid` and every in-mempool transaction it depends on, transitively. */
  withAncestors(txid: string): string[] {
    return closure(txid, (t) => this.parents(t));
  }

  /** Removes `txid` and its descendants (they spend outputs that no longer exist). */
  removeWithDescendants(txid: string): MempoolEntry[] {
    return this.withDescendants(txid)
      .map((t) => this.remove(t))
      .filter((e): e is MempoolEntry => e !== undefined);
  }

  clear(): MempoolEntry[] {
    const all = this.entries();
    this.#entries.clear();
    this.#spentBy.clear();
    return all;
  }
}

function closure(start: string, next: (txid: string) => string[]): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const t of next(queue.pop()!)) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  return [...seen];
}
