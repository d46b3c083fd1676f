import type { Transaction } from 'bitcoinjs-lib';
import { hashToId, outpointKey } from './bytes.ts';

/** An unspent output: what a node keeps per outpoint to validate spends. */
export interface Coin {
  value: bigint;
  script: Uint8Array;
  /** Height of the block that created it. */
  height: number;
  coinbase: boolean;
}

/** What a block spent, kept so that disconnecting it (a reorg) can restore those coins. */
export type BlockUndo = Array<[outpoint: string, coin: Coin]>;

/** The outpoint ("txid:vout") an input spends. */
export function spentOutpoint(input: Transaction['ins'][number]): string {
  return outpointKey(hashToId(input.hash), input.index);
}

/** OP_RETURN outputs are provably unspendable; nodes never add them to the UTXO set. */
function isUnspendable(script: Uint8Array): boolean {
  return script.length > 0 && script[0] === 0x6a;
}

export class UtxoSet {
  readonly #coins = new Map<string, Coin>();

  get(outpoint: string): Coin | undefined {
    return this.#coins.get(outpoint);
  }

  get size(): number {
    return this.#coins.size;
  }

  entries(): IterableIterator<[string, Coin]> {
    return this.#coins.entries();
  }

  /**
   * Applies a block's transactions (coinbase first, already validated): spends their inputs,
   * adds their outputs. Returns the undo data for `disconnect`.
   */
  connect(transactions: readonly Transaction[], txids: readonly string[], height: number): BlockUndo {
    const undo: BlockUndo = [];
    transactions.forEach((tx, i) => {
      const coinbase = i === 0;
      if (!coinbase) {
        for (const input of tx.ins) {
          const outpoint = spentOutpoint(input);
          const coin = this.#coins.get(outpoint);
          if (!coin) throw new Error(`block at ${height} spends missing coin ${outpoint}`);
          undo.push([outpoint, coin]);
          this.#coins.delete(outpoint);
        }
      }
      tx.outs.forEach((out, vout) => {
        if (isUnspendable(out.script)) return;
        this.#coins.set(outpointKey(txids[i], vout), {
          value: out.value,
          script: out.script,
          height,
          coinbase,
        });
      });
    });
    return undo;
  }

  /** Reverts `connect`: removes the block's outputs and restores what it spent. */
  disconnect(transactions: readonly Transaction[], txids: readonly string[], undo: BlockUndo): void {
    transactions.forEach((tx, i) => {
      for (let vout = 0; vout < tx.outs.length; vout++) this.#coins.delete(outpointKey(txids[i], vout));
    });
    for (const [outpoint, coin] of undo) this.#coins.set(outpoint, coin);
  }
}
