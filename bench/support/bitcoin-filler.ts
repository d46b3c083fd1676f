import { randomBytes } from 'node:crypto';
import { Transaction } from 'bitcoinjs-lib';
import type { BitcoinSimulator } from '../../test/support/bitcoin-simulator/index.ts';

/**
 * Other people's transactions for the Bitcoin simulator, so that the blocks a watcher benchmark
 * mines look like busy blocks rather than a coinbase and one payment. The simulator's own
 * `pay()` signs with ECDSA and scans the whole UTXO set for its coins on every call (tens of ms
 * once the chain is long), far too slow for tens of thousands of transactions; these are built
 * directly and submitted to its mempool (`submitTransaction`), which checks spends, coinbase
 * maturity, fees and conflicts like Core but, as the simulator documents, not scripts or
 * signatures. So the witnesses are dummy bytes of the real sizes.
 *
 * Shape of one filler transaction (a mainnet-like mix): version 2; 1 input (60%), 2 (30%) or 3
 * (10%), each a P2WPKH spend (a 72-byte DER signature and a 33-byte key) or, a third of the
 * time, a taproot key-path spend (one 64-byte signature); RBF signalled on two thirds; 1 or 2
 * payments (10,000–5,000,000 sat) plus change, or a sweep with one output; output scripts 70%
 * P2WPKH, 20% P2TR, 10% P2SH, to random programs nobody watches; 2–20 sat/vB. About 150–250
 * vbytes each. They spend coins from a first-in-first-out pool: `prime()` fans some of the
 * simulator's mature coinbase coins out into thousands of coins (one block, mined before the
 * measured chain starts), and every filler transaction's outputs join the pool's back.
 */
export interface FillerStats {
  transactions: number;
  inputs: number;
  outputs: number;
  vbytes: number;
}

interface PoolCoin {
  hash: Uint8Array;
  vout: number;
  value: bigint;
}

const SEQUENCE_RBF = 0xfffffffd;
const SEQUENCE_FINAL = 0xffffffff;

export class BitcoinFiller {
  readonly stats: FillerStats = { transactions: 0, inputs: 0, outputs: 0, vbytes: 0 };
  readonly #sim: BitcoinSimulator;
  readonly #pool: PoolCoin[] = [];
  #poolStart = 0;
  readonly #random: () => number;
  #bytes = Buffer.alloc(0);
  #at = 0;

  constructor(sim: BitcoinSimulator, seed = 0x66696c6c) {
    this.#sim = sim;
    this.#random = xorshift(seed);
  }

  /** Coins the next filler transactions can spend. */
  get poolSize(): number {
    return this.#pool.length - this.#poolStart;
  }

  /**
   * Spends `coins` of the simulator's mature coins (leaving the rest for its own `pay()`), each
   * into `outputsEach` outputs, and mines them in one block. Returns that block's hash.
   */
  async prime(coins: number, outputsEach: number): Promise<string> {
    const available = this.#sim.walletCoins();
    if (available.length < coins * 2)
      throw new Error(`the simulator has ${available.length} mature coins; priming wants twice ${coins}`);
    for (const coin of available.slice(0, coins)) {
      const tx = new Transaction();
      tx.version = 2;
      tx.addInput(idToHash(coin.txid), coin.vout, SEQUENCE_FINAL);
      tx.setWitness(0, this.#witness());
      for (let i = 0; i < outputsEach; i++) tx.addOutput(this.#script(), 0n);
      const fee = BigInt(tx.virtualSize() * 2);
      const each = (coin.coin.value - fee) / BigInt(outputsEach);
      for (const out of tx.outs) out.value = each;
      this.#submit(tx, 1);
    }
    const [hash] = await this.#sim.mine(1);
    return hash;
  }

  /** Submits `n` filler transactions to the simulator's mempool; returns their txids. */
  fill(n: number): string[] {
    const txids: string[] = [];
    for (let i = 0; i < n; i++) {
      const roll = this.#random() % 10;
      const inputCount = roll < 6 ? 1 : roll < 9 ? 2 : 3;
      if (this.poolSize < inputCount) throw new Error('the filler ran out of coins: prime more');
      const tx = new Transaction();
      tx.version = 2;
      const sequence = this.#random() % 3 === 0 ? SEQUENCE_FINAL : SEQUENCE_RBF;
      let valueIn = 0n;
      for (let j = 0; j < inputCount; j++) {
        const coin = this.#take();
        tx.addInput(coin.hash, coin.vout, sequence);
        tx.setWitness(j, this.#witness());
        valueIn += coin.value;
      }
      const kind = this.#random() % 10;
      const payments = valueIn < 200_000n || kind === 9 ? 0 : kind < 7 ? 1 : 2;
      for (let j = 0; j < payments + 1; j++) tx.addOutput(this.#script(), 0n);
      // Value bytes have a fixed size, so the size (and fee) is known before the values are.
      const fee = BigInt(tx.virtualSize() * (2 + (this.#random() % 19)));
      let left = valueIn - fee;
      if (left <= 1_000n) throw new Error(`a filler coin of ${valueIn} sat cannot pay its fee`);
      for (let j = 0; j < payments; j++) {
        const most = left / 3n < 5_000_000n ? left / 3n : 5_000_000n;
        const value = 10_000n + (BigInt(this.#random()) * (most - 10_000n)) / 0xffffffffn;
        tx.outs[j].value = value;
        left -= value;
      }
      tx.outs[payments].value = left;
      txids.push(this.#submit(tx, inputCount));
    }
    return txids;
  }

  #submit(tx: Transaction, inputs: number): string {
    const txid = this.#sim.submitTransaction(tx);
    const hash = tx.getHash();
    tx.outs.forEach((out, vout) => {
      this.#pool.push({ hash, vout, value: out.value });
    });
    this.stats.transactions++;
    this.stats.inputs += inputs;
    this.stats.outputs += tx.outs.length;
    this.stats.vbytes += tx.virtualSize();
    return txid;
  }

  #take(): PoolCoin {
    const coin = this.#pool[this.#poolStart++];
    if (this.#poolStart > 100_000) {
      this.#pool.splice(0, this.#poolStart);
      this.#poolStart = 0;
    }
    return coin;
  }

  #witness(): Uint8Array[] {
    if (this.#random() % 3 === 0) return [this.#take64()];
    const signature = Uint8Array.from(this.#bytesOf(72));
    signature[0] = 0x30;
    signature[71] = 0x01;
    const key = Uint8Array.from(this.#bytesOf(33));
    key[0] = 0x02;
    return [signature, key];
  }

  #take64(): Uint8Array {
    return Uint8Array.from(this.#bytesOf(64));
  }

  #script(): Uint8Array {
    const kind = this.#random() % 10;
    if (kind < 7) return Uint8Array.of(0x00, 20, ...this.#bytesOf(20));
    if (kind < 9) return Uint8Array.of(0x51, 32, ...this.#bytesOf(32));
    return Uint8Array.of(0xa9, 20, ...this.#bytesOf(20), 0x87);
  }

  /** Random bytes from one large draw (a view: copy before keeping). */
  #bytesOf(n: number): Uint8Array {
    if (this.#at + n > this.#bytes.length) {
      this.#bytes = randomBytes(1 << 20);
      this.#at = 0;
    }
    this.#at += n;
    return this.#bytes.subarray(this.#at - n, this.#at);
  }
}

function idToHash(id: string): Uint8Array {
  return Uint8Array.from(Buffer.from(id, 'hex').reverse());
}

/** xorshift32: fast and seedable; these choices only need to look random. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
