import { type Network, networks, type Transaction } from 'bitcoinjs-lib';
import { signalsRbf } from './acceptance.ts';
import { toAddress, toOutputScript } from './addresses.ts';
import { hashToId, outpointKey, toSats } from './bytes.ts';
import { ChainState, type MempoolSelection } from './chain-state.ts';
import { simulatorKey } from './keys.ts';
import { buildLargeBlock, type LargeBlockOptions } from './large-block.ts';
import { COINBASE_MATURITY } from './network-params.ts';
import {
  dustLimit,
  estimateVsize,
  planPayment,
  SEQUENCE_NO_RBF,
  SEQUENCE_RBF,
  signPlan,
  type TxOutputSpec,
  type WalletCoin,
} from './wallet.ts';

/**
 * BITCOIN CHAIN SIMULATOR (test support; no Bitcoin node can be installed here).
 *
 * Faithful: real serialized blocks and transactions (bitcoinjs), real genesis blocks, BIP34
 * coinbases, BIP141 witness commitments, merkle roots, nonces ground to regtest's target,
 * prevHash links, chainwork; a UTXO set with undo data; coinbase maturity (100); a mempool with
 * Core's acceptance checks, reject reasons and full-RBF replacement rules; reorgs that return
 * transactions to the mempool and evict what no longer validates; stale blocks still served by
 * hash; a txindex that, like Core's, still finds transactions of stale blocks; wallet payments
 * really signed (P2WPKH, or P2PKH when `segwit: false`).
 * Simplified: no script or signature verification of submitted transactions, no block weight,
 * sigop or dust policy limits, no difficulty adjustment (every block after genesis uses regtest's
 * 0x207fffff, whatever the network), no P2P, one wallet key, no package relay.
 */
export interface BitcoinSimulatorOptions {
  /** bitcoinjs network (address encoding, genesis): `networks.regtest` by default. */
  network?: Network;
  /** Blocks mined at start (default 120: coinbases mature with room for reorgs). */
  initialBlocks?: number;
  /** Each coinbase pays the simulator's key in this many outputs (default 10). */
  coinbaseOutputs?: number;
  /** Seed of the simulator's key. */
  walletSeed?: string;
  /** Legacy-only chains (Bitcoin Cash, Dogecoin): P2PKH wallet, no witness commitment. */
  segwit?: boolean;
  /** Accept replacements of non-signalling transactions (Core ≥ 28 default: true). */
  fullRbf?: boolean;
  /** Clock in ms (default Date.now); initial blocks are back-dated 10 minutes apart. */
  now?: () => number;
}

export interface PayOptions {
  /** Signal BIP125 replaceability (nSequence 0xfffffffd). Default false. */
  rbf?: boolean;
  /** Exact fee; otherwise `feeRate` × estimated vsize. */
  feeSats?: bigint | number;
  /** sat/vB (default 2). */
  feeRate?: number;
}

export interface PayOutput {
  address?: string;
  /** An output script, for addresses bitcoinjs cannot encode (CashAddr) or bare scripts. */
  script?: Uint8Array;
  amountSats: bigint | number;
}

export interface ReorgOptions {
  /** Transactions of the disconnected blocks (or the mempool) that vanish instead of returning. */
  dropTxids?: readonly string[];
  /** Re-mine the disconnected blocks' surviving transactions in the new branch (default true). */
  keepOthers?: boolean;
  /** Mempool or set-aside (double-spend) transactions to mine in the new branch's first block. */
  include?: readonly string[];
}

/** Coinbases at least this deep are preferred, so a reorg cannot make a pending spend immature. */
const REORG_SAFE_DEPTH = COINBASE_MATURITY + 10;

export class BitcoinSimulator extends ChainState {
  readonly walletScript: Uint8Array;
  readonly walletAddress: string;
  readonly #key;
  /** Change output index of each transaction the wallet signed. */
  readonly #walletTxs = new Map<string, { changeIndex: number | undefined }>();
  /** Conflicting transactions kept out of the mempool, to be mined directly. */
  readonly #aside = new Map<string, Transaction>();

  constructor(options: BitcoinSimulatorOptions = {}) {
    const network = options.network ?? networks.regtest;
    const segwit = options.segwit ?? network.bech32 !== undefined;
    const key = simulatorKey(options.walletSeed ?? 'kassa bitcoin simulator', segwit);
    const now = options.now ?? Date.now;
    super({
      network,
      segwit,
      fullRbf: options.fullRbf ?? true,
      payoutScript: key.script,
      payoutOutputs: options.coinbaseOutputs ?? 10,
      now,
    });
    this.#key = key;
    this.walletScript = key.script;
    const address = toAddress(key.script, network);
    if (!address) throw new Error('the simulator key has no address on this network');
    this.walletAddress = address;
    const initial = options.initialBlocks ?? 120;
    const start = Math.floor(now() / 1000) - initial * 600;
    for (let i = 1; i <= initial; i++) this.mineOne('none', [], start + i * 600);
  }

  /** Pays `amountSats` to `address` from the simulator's coins; the transaction enters the mempool. */
  async pay(address: string, amountSats: bigint | number, options: PayOptions = {}): Promise<string> {
    return this.payMany([{ address, amountSats }], options);
  }

  /** One transaction with several outputs (change is added last). Returns its txid. */
  async payMany(outputs: readonly PayOutput[], options: PayOptions = {}): Promise<string> {
    const specs: TxOutputSpec[] = outputs.map((o) => ({
      script: o.script ?? toOutputScript(o.address ?? '', this.network),
      value: toSats(o.amountSats),
    }));
    const fixedFee = options.feeSats === undefined ? undefined : toSats(options.feeSats);
    const feeRate = options.feeRate ?? 2;
    const plan = planPayment(
      this.walletCoins(),
      specs,
      this.walletScript,
      (inputs, scripts) =>
        fixedFee ?? BigInt(Math.ceil(feeRate * estimateVsize(inputs, scripts, this.segwit))),
      dustLimit(this.segwit),
    );
    const sequence = options.rbf ? SEQUENCE_RBF : SEQUENCE_NO_RBF;
    // Core's wallet sets nLockTime to the tip height (anti fee sniping).
    const tx = signPlan(this.#key, { ...plan, sequence, locktime: this.height }, this.network, this.segwit);
    const txid = this.submitTransaction(tx);
    this.#walletTxs.set(txid, { changeIndex: plan.changeIndex });
    return txid;
  }

  /**
   * Mines `n` blocks on the tip. By default each takes the whole mempool; `include` limits it to
   * those transactions (plus their unconfirmed parents), and may name set-aside double-spends.
   */
  async mine(n = 1, options: { include?: MempoolSelection } = {}): Promise<string[]> {
    const include = options.include ?? 'all';
    const direct = typeof include === 'string' ? [] : include.filter((t) => this.#aside.has(t));
    const hashes: string[] = [];
    for (let i = 0; i < n; i++) {
      const record = this.mineOne(include, i === 0 ? direct.map((t) => this.#aside.get(t)!) : []);
      hashes.push(record.hash);
    }
    for (const t of direct) this.#aside.delete(t);
    return hashes;
  }

  /** RBF: the same inputs and outputs with the change lowered so the fee becomes `newFeeSats`. */
  async bumpFee(txid: string, newFeeSats: bigint | number): Promise<string> {
    const entry = this.mempoolEntry(txid);
    if (!entry) throw new Error(`${txid} is not in the mempool`);
    if (!signalsRbf(entry.tx)) throw new Error('Transaction is not BIP 125 replaceable');
    const info = this.#walletTxs.get(entry.txid);
    if (!info) throw new Error(`${txid} was not made by the simulator's wallet`);
    if (info.changeIndex === undefined) throw new Error(`${txid} has no change output to take the fee from`);
    const newFee = toSats(newFeeSats);
    if (newFee <= entry.fee) throw new Error(`new fee ${newFee} must exceed the current ${entry.fee}`);
    const outputs = entry.tx.outs.map((o) => ({ script: o.script, value: o.value }));
    outputs[info.changeIndex].value -= newFee - entry.fee;
    if (outputs[info.changeIndex].value < dustLimit(this.segwit))
      throw new Error('change too small for that fee');
    const tx = this.#resign(entry.tx, outputs);
    const replacement = this.submitTransaction(tx);
    this.#walletTxs.set(replacement, info);
    return replacement;
  }

  /**
   * A transaction spending the same inputs as `txid` (one the simulator signed) to `toAddress`
   * or back to itself, with a higher fee. `into: 'mempool'` replaces the original there (default
   * while it is unconfirmed); `'aside'` keeps it for `mineConflicting` or `reorg({ include })`
   * (default once the original is confirmed).
   */
  async doubleSpend(
    txid: string,
    toAddress?: string,
    options: { feeSats?: bigint | number; into?: 'mempool' | 'aside' } = {},
  ): Promise<string> {
    const original = this.transaction(txid);
    if (!original) throw new Error(`unknown transaction ${txid}`);
    const inputs = this.#inputsOf(original);
    const valueIn = inputs.reduce((sum, c) => sum + c.coin.value, 0n);
    const originalFee = valueIn - original.outs.reduce((sum, o) => sum + o.value, 0n);
    const fee = options.feeSats === undefined ? originalFee + 1000n : toSats(options.feeSats);
    const script = toAddress ? toOutputScript(toAddress, this.network) : this.walletScript;
    const tx = this.#resign(original, [{ script, value: valueIn - fee }]);
    const into = options.into ?? (this.mempoolEntry(txid) ? 'mempool' : 'aside');
    if (into === 'mempool') return this.submitTransaction(tx);
    this.#aside.set(tx.getId(), tx);
    return tx.getId();
  }

  /** Mines one block containing the set-aside double-spend `txid` (its mempool rival is evicted). */
  async mineConflicting(txid: string): Promise<string> {
    const tx = this.#aside.get(txid);
    if (!tx) throw new Error(`${txid} is not a set-aside double-spend`);
    for (const input of tx.ins) {
      if (!this.coin(hashToId(input.hash), input.index)) {
        throw new Error(`${txid} spends a confirmed output; use reorg(depth, { include: ['${txid}'] })`);
      }
    }
    const [hash] = await this.mine(1, { include: [txid] });
    return hash;
  }

  /**
   * Disconnects `depth` blocks, returns their transactions to the mempool (except `dropTxids`),
   * and mines depth + 1 blocks so the new branch has more work. Returns the new blocks' hashes.
   */
  async reorg(depth: number, options: ReorgOptions = {}): Promise<string[]> {
    const resurrected = this.#disconnect(depth, options.dropTxids ?? []);
    const kept = options.keepOthers === false ? [] : resurrected.filter((t) => this.mempool.has(t));
    const include = [...kept, ...(options.include ?? [])];
    const [first] = await this.mine(1, { include });
    const rest = await this.mine(depth, { include: 'none' });
    return [first, ...rest];
  }

  /** Disconnects `depth` blocks without mining (like invalidateblock); their transactions return to the mempool. */
  async rewind(depth: number, options: { dropTxids?: readonly string[] } = {}): Promise<void> {
    this.#disconnect(depth, options.dropTxids ?? []);
  }

  /** invalidateblock: disconnects `hash` and every block above it. */
  async invalidateBlock(hash: string): Promise<void> {
    const record = this.block(hash);
    if (!record || !this.isInBestChain(hash)) throw new Error(`${hash} is not on the active chain`);
    await this.rewind(this.height - record.height + 1);
  }

  /** Set-aside double-spends not yet mined. */
  asideTxids(): string[] {
    return [...this.#aside.keys()];
  }

  /** Mature, confirmed coins of the simulator's key not spent in the mempool, safest first. */
  walletCoins(): WalletCoin[] {
    const nextHeight = this.height + 1;
    const coins: WalletCoin[] = [];
    const script = Buffer.from(this.walletScript);
    for (const [outpoint, coin] of this.utxos.entries()) {
      if (coin.coinbase && nextHeight - coin.height < COINBASE_MATURITY) continue;
      if (this.mempool.spender(outpoint) || !script.equals(coin.script)) continue;
      const txid = outpoint.slice(0, 64);
      coins.push({
        txid,
        vout: Number(outpoint.slice(65)),
        coin,
        prevTx: this.segwit ? undefined : this.rawTx(txid),
      });
    }
    const risky = (c: WalletCoin) =>
      c.coin.coinbase && nextHeight - c.coin.height < REORG_SAFE_DEPTH ? 1 : 0;
    return coins.sort((a, b) => risky(a) - risky(b) || a.coin.height - b.coin.height);
  }

  /** Sum of `walletCoins()`. */
  balance(): bigint {
    return this.walletCoins().reduce((sum, c) => sum + c.coin.value, 0n);
  }

  /** A large benchmark block on top of the tip (not connected to the chain); see large-block.ts. */
  buildLargeBlock(options: LargeBlockOptions = {}): Uint8Array {
    const tip = this.tipBlock();
    return buildLargeBlock({
      prevHash: tip.block.getHash(),
      height: tip.height + 1,
      timestamp: tip.time + 600,
      ...options,
    });
  }

  #disconnect(depth: number, dropTxids: readonly string[]): string[] {
    if (!Number.isInteger(depth) || depth < 1 || depth >= this.height) {
      throw new RangeError(`reorg depth must be 1..${this.height - 1}`);
    }
    const blocks: Transaction[][] = [];
    for (let i = 0; i < depth; i++) blocks.unshift(this.disconnectTip());
    const resurrected = blocks.flat();
    this.resubmitAfterDisconnect(resurrected, new Set(dropTxids.map((t) => t.toLowerCase())));
    return resurrected.map((tx) => tx.getId());
  }

  /** The simulator's coins an earlier transaction spent (spent or not by now). */
  #inputsOf(tx: Transaction): WalletCoin[] {
    const script = Buffer.from(this.walletScript);
    return tx.ins.map((input) => {
      const txid = hashToId(input.hash);
      const out = this.output(txid, input.index);
      if (!out || !script.equals(out.script)) {
        throw new Error(
          `input ${outpointKey(txid, input.index)} is not the simulator's; only its own payments can be re-signed`,
        );
      }
      const coin = { value: out.value, script: out.script, height: 0, coinbase: false };
      return { txid, vout: input.index, coin, prevTx: this.segwit ? undefined : this.rawTx(txid) };
    });
  }

  #resign(original: Transaction, outputs: TxOutputSpec[]): Transaction {
    return signPlan(
      this.#key,
      {
        inputs: this.#inputsOf(original),
        outputs,
        sequence: original.ins[0].sequence,
        locktime: original.locktime,
      },
      this.network,
      this.segwit,
    );
  }
}
