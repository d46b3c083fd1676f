import { script as bitcoinScript, type Transaction } from 'bitcoinjs-lib';
import { signalsRbf } from './acceptance.ts';
import { scriptType, toAddress } from './addresses.ts';
import { hashToId, toHex } from './bytes.ts';
import type { BlockRecord, ChainState } from './chain-state.ts';
import type { MempoolEntry } from './mempool.ts';
import { difficulty } from './network-params.ts';

/**
 * The verbose JSON shapes of Bitcoin Core's RPC (getblock 1, getblockheader true, getrawtransaction
 * true, getmempoolentry), with Core's field names. Amounts are `Btc` values, written by the server
 * as fixed 8-decimal JSON numbers the way Core's UniValue writes them (JSON.stringify would write
 * 0.00001 as 1e-5). Script asm is bitcoinjs's, close to but not byte-identical with Core's.
 */
export class Btc {
  readonly sats: bigint;
  constructor(sats: bigint) {
    this.sats = sats;
  }
}

const BTC_MARK = /"@@btc:(-?\d+)@@"/g;

/** JSON.stringify that writes `Btc` as 0.00001410 rather than 0.0000141 or 1.41e-5. */
export function stringifyRpc(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Btc) return `@@btc:${v.sats}@@`;
    if (typeof v === 'bigint') return Number(v);
    return v;
  });
  return json.replace(BTC_MARK, (_m, sats: string) => formatBtc(BigInt(sats)));
}

export function formatBtc(sats: bigint): string {
  const sign = sats < 0n ? '-' : '';
  const abs = sats < 0n ? -sats : sats;
  return `${sign}${abs / 100_000_000n}.${(abs % 100_000_000n).toString().padStart(8, '0')}`;
}

export function chainworkHex(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}

function confirmations(sim: ChainState, record: BlockRecord): number {
  return sim.isInBestChain(record.hash) ? sim.height - record.height + 1 : -1;
}

export function headerJson(sim: ChainState, record: BlockRecord): Record<string, unknown> {
  const { block } = record;
  const next = sim.isInBestChain(record.hash) ? sim.blockAt(record.height + 1) : undefined;
  return {
    hash: record.hash,
    confirmations: confirmations(sim, record),
    height: record.height,
    version: block.version,
    versionHex: (block.version >>> 0).toString(16).padStart(8, '0'),
    merkleroot: hashToId(block.merkleRoot!),
    time: record.time,
    mediantime: sim.medianTimePast(record.height),
    nonce: block.nonce,
    bits: block.bits.toString(16).padStart(8, '0'),
    difficulty: difficulty(block.bits),
    chainwork: chainworkHex(record.chainwork),
    nTx: record.txids.length,
    ...(record.height > 0 ? { previousblockhash: record.prevHash } : {}),
    ...(next ? { nextblockhash: next.hash } : {}),
  };
}

export function blockJson(sim: ChainState, record: BlockRecord): Record<string, unknown> {
  const { block } = record;
  return {
    ...headerJson(sim, record),
    strippedsize: block.byteLength(false, false),
    size: record.raw.length,
    weight: block.weight(),
    tx: record.txids,
  };
}

const CORE_TYPES: Record<string, string> = {
  p2pk: 'pubkey',
  p2pkh: 'pubkeyhash',
  p2sh: 'scripthash',
  v0_p2wpkh: 'witness_v0_keyhash',
  v0_p2wsh: 'witness_v0_scripthash',
  v1_p2tr: 'witness_v1_taproot',
  op_return: 'nulldata',
};

export function txJson(sim: ChainState, tx: Transaction, withStatus: boolean): Record<string, unknown> {
  const raw = tx.toBuffer();
  const vin = tx.ins.map((input) => {
    const witness = input.witness.length > 0 ? { txinwitness: input.witness.map(toHex) } : {};
    if (tx.isCoinbase()) return { coinbase: toHex(input.script), ...witness, sequence: input.sequence };
    return {
      txid: hashToId(input.hash),
      vout: input.index,
      scriptSig: { asm: bitcoinScript.toASM(input.script), hex: toHex(input.script) },
      ...witness,
      sequence: input.sequence,
    };
  });
  const vout = tx.outs.map((out, n) => {
    const address = toAddress(out.script, sim.network);
    const type = scriptType(out.script);
    return {
      value: new Btc(out.value),
      n,
      scriptPubKey: {
        asm: bitcoinScript.toASM(out.script),
        hex: toHex(out.script),
        ...(address ? { address } : {}),
        type: CORE_TYPES[type] ?? (type.startsWith('v') ? 'witness_unknown' : 'nonstandard'),
      },
    };
  });
  const json: Record<string, unknown> = {
    txid: tx.getId(),
    hash: hashToId(tx.getHash(true)),
    version: tx.version,
    size: raw.length,
    vsize: tx.virtualSize(),
    weight: tx.weight(),
    locktime: tx.locktime,
    vin,
    vout,
    hex: toHex(raw),
  };
  if (withStatus) {
    const status = sim.txStatus(json.txid as string);
    if (status.confirmed) {
      Object.assign(json, {
        blockhash: status.blockHash,
        confirmations: sim.height - status.height + 1,
        time: status.blockTime,
        blocktime: status.blockTime,
      });
    }
  }
  return json;
}

export function mempoolEntryJson(sim: ChainState, entry: MempoolEntry): Record<string, unknown> {
  const related = sim.mempoolRelatives(entry.txid);
  const sum = (txids: string[], pick: (e: MempoolEntry) => bigint | number) =>
    txids.reduce((total, t) => total + BigInt(pick(sim.mempoolEntry(t)!)), 0n);
  return {
    vsize: entry.vsize,
    weight: entry.weight,
    time: entry.time,
    height: entry.height,
    descendantcount: related.descendants.length,
    descendantsize: Number(sum(related.descendants, (e) => e.vsize)),
    ancestorcount: related.ancestors.length,
    ancestorsize: Number(sum(related.ancestors, (e) => e.vsize)),
    wtxid: hashToId(entry.tx.getHash(true)),
    fees: {
      base: new Btc(entry.fee),
      modified: new Btc(entry.fee),
      ancestor: new Btc(sum(related.ancestors, (e) => e.fee)),
      descendant: new Btc(sum(related.descendants, (e) => e.fee)),
    },
    depends: related.parents,
    spentby: related.children,
    // Core reports BIP125 signalling (own or inherited), even when full-RBF would replace it anyway.
    'bip125-replaceable': related.ancestors.some((t) => signalsRbf(sim.mempoolEntry(t)!.tx)),
    unbroadcast: false,
  };
}
