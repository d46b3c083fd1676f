import type { Transaction } from 'bitcoinjs-lib';
import { outpointKey } from './bytes.ts';
import type { Mempool } from './mempool.ts';
import { COINBASE_MATURITY } from './network-params.ts';
import { type Coin, spentOutpoint } from './utxo-set.ts';

/**
 * Mempool acceptance, after Bitcoin Core's AcceptToMemoryPool: the checks whose outcome a
 * payment processor can observe (missing or spent inputs, immature coinbase, value, fee floor,
 * fee ceiling, replacement rules), with Core's reject reasons and RPC error codes. Scripts and
 * signatures are NOT verified: the simulator trusts the signer, which is fine for a watcher.
 */
export class TxRejected extends Error {
  override name = 'TxRejected';
  /** Bitcoin Core RPC code: -25 verify error, -26 rejected by policy, -27 already in chain. */
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export interface AcceptanceContext {
  /** A coin of the active chain's UTXO set. */
  coin(outpoint: string): Coin | undefined;
  mempool: Mempool;
  /** Height of the block that would include the transaction (tip + 1). */
  nextHeight: number;
  /** Core ≥ 28 default: any mempool transaction may be replaced by one paying more. */
  fullRbf: boolean;
}

export interface AcceptanceOptions {
  /** sat/vB above which the transaction is refused (Core's maxfeerate, default 0.10 BTC/kvB). */
  maxFeeRate?: number;
  /** Re-adding transactions of disconnected blocks: only consensus checks, like Core. */
  bypassPolicy?: boolean;
}

export interface Accepted {
  fee: bigint;
  spends: string[];
  /** Mempool transactions (with their descendants) this one replaces. */
  replaces: string[];
}

const DEFAULT_MAX_FEE_RATE = 10_000;

export function checkForMempool(
  tx: Transaction,
  txid: string,
  ctx: AcceptanceContext,
  options: AcceptanceOptions = {},
): Accepted {
  if (tx.isCoinbase()) throw new TxRejected(-26, 'coinbase');
  if (tx.ins.length === 0) throw new TxRejected(-26, 'bad-txns-vin-empty');
  if (tx.outs.length === 0) throw new TxRejected(-26, 'bad-txns-vout-empty');
  const spends = tx.ins.map(spentOutpoint);
  if (new Set(spends).size !== spends.length) throw new TxRejected(-26, 'bad-txns-inputs-duplicate');
  for (let vout = 0; vout < tx.outs.length; vout++) {
    if (ctx.coin(outpointKey(txid, vout)))
      throw new TxRejected(-27, 'Transaction outputs already in utxo set');
  }

  const direct = ctx.mempool.conflicts(spends);
  const replaces = new Set<string>();
  for (const conflict of direct) for (const t of ctx.mempool.withDescendants(conflict)) replaces.add(t);
  let valueIn = 0n;
  for (const outpoint of spends) {
    const parent = outpoint.slice(0, 64);
    if (replaces.has(parent)) throw new TxRejected(-26, 'bad-txns-spends-conflicting-tx');
    const coin = ctx.coin(outpoint) ?? mempoolCoin(ctx.mempool, outpoint);
    if (!coin) throw new TxRejected(-25, 'bad-txns-inputs-missingorspent');
    if (coin.coinbase && ctx.nextHeight - coin.height < COINBASE_MATURITY) {
      const depth = ctx.nextHeight - coin.height;
      throw new TxRejected(
        -26,
        `bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth ${depth}`,
      );
    }
    valueIn += coin.value;
  }
  const valueOut = tx.outs.reduce((sum, out) => sum + out.value, 0n);
  if (valueIn < valueOut) {
    throw new TxRejected(
      -26,
      `bad-txns-in-belowout, value in (${btc(valueIn)}) < value out (${btc(valueOut)})`,
    );
  }
  const fee = valueIn - valueOut;
  if (options.bypassPolicy) return { fee, spends, replaces: [...replaces] };

  const vsize = tx.virtualSize();
  if (fee < BigInt(vsize)) throw new TxRejected(-26, `min relay fee not met, ${fee} < ${vsize}`);
  if (fee > BigInt(Math.ceil((options.maxFeeRate ?? DEFAULT_MAX_FEE_RATE) * vsize))) {
    throw new TxRejected(-25, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
  }
  if (direct.size > 0) checkReplacement(txid, fee, vsize, direct, replaces, ctx);
  return { fee, spends, replaces: [...replaces] };
}

/** BIP125 as Core applies it: signalling (unless full-RBF), higher feerate, and fees that pay for the relay. */
function checkReplacement(
  txid: string,
  fee: bigint,
  vsize: number,
  direct: Set<string>,
  replaces: Set<string>,
  ctx: AcceptanceContext,
): void {
  for (const conflict of direct) {
    const entry = ctx.mempool.get(conflict)!;
    if (!ctx.fullRbf && !signalsRbf(entry.tx)) throw new TxRejected(-26, 'txn-mempool-conflict');
    if (Number(fee) / vsize <= Number(entry.fee) / entry.vsize) {
      throw new TxRejected(-26, `insufficient fee, rejecting replacement ${txid}; new feerate too low`);
    }
  }
  const replacedFees = [...replaces].reduce((sum, t) => sum + ctx.mempool.get(t)!.fee, 0n);
  const required = replacedFees + BigInt(vsize);
  if (fee < required) {
    throw new TxRejected(
      -26,
      `insufficient fee, rejecting replacement ${txid}, not enough additional fees to relay; ${btc(fee - replacedFees)} < ${btc(BigInt(vsize))}`,
    );
  }
}

function mempoolCoin(mempool: Mempool, outpoint: string): Coin | undefined {
  const [txid, vout] = [outpoint.slice(0, 64), Number(outpoint.slice(65))];
  const parent = mempool.get(txid);
  const out = parent?.tx.outs[vout];
  // Whether another mempool transaction already spends it is a conflict, judged by the RBF rules.
  if (!out) return undefined;
  return { value: out.value, script: out.script, height: -1, coinbase: false };
}

/** BIP125: some input has nSequence below 0xfffffffe. */
export function signalsRbf(tx: Transaction): boolean {
  return tx.ins.some((input) => input.sequence < 0xfffffffe);
}

function btc(sats: bigint): string {
  const sign = sats < 0n ? '-' : '';
  const abs = sats < 0n ? -sats : sats;
  return `${sign}${abs / 100_000_000n}.${(abs % 100_000_000n).toString().padStart(8, '0')}`;
}
