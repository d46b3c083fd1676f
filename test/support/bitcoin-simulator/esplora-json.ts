import { script as bitcoinScript, type Transaction } from 'bitcoinjs-lib';
import { scriptType, toAddress } from './addresses.ts';
import { hashToId, toHex } from './bytes.ts';
import type { BlockRecord, ChainState, TxStatus } from './chain-state.ts';
import { difficulty } from './network-params.ts';

/**
 * Esplora's JSON shapes, field for field as electrs (Blockstream's esplora backend) serializes
 * them: TransactionValue, TxInValue, TxOutValue, TransactionStatus, BlockValue, BlockStatus.
 * Optional fields are omitted when absent, as serde's skip_serializing_if does there. Script asm
 * follows rust-bitcoin's style (OP_PUSHBYTES_20 …, OP_PUSHNUM_1) for the common opcodes.
 */

export function statusJson(status: TxStatus): Record<string, unknown> {
  if (!status.confirmed) return { confirmed: false };
  return {
    confirmed: true,
    block_height: status.height,
    block_hash: status.blockHash,
    block_time: status.blockTime,
  };
}

export function txOutJson(
  out: { script: Uint8Array; value: bigint },
  sim: ChainState,
): Record<string, unknown> {
  const address = toAddress(out.script, sim.network);
  return {
    scriptpubkey: toHex(out.script),
    scriptpubkey_asm: asm(out.script),
    scriptpubkey_type: scriptType(out.script),
    ...(address ? { scriptpubkey_address: address } : {}),
    value: Number(out.value),
  };
}

export function txJson(sim: ChainState, tx: Transaction, withStatus = true): Record<string, unknown> {
  const coinbase = tx.isCoinbase();
  let valueIn = 0n;
  const vin = tx.ins.map((input) => {
    const txid = hashToId(input.hash);
    const prevout = coinbase ? undefined : sim.output(txid, input.index);
    valueIn += prevout?.value ?? 0n;
    const inner = prevout ? innerScripts(input, prevout.script) : {};
    return {
      txid,
      vout: input.index,
      prevout: prevout ? txOutJson(prevout, sim) : null,
      scriptsig: toHex(input.script),
      scriptsig_asm: asm(input.script),
      ...(input.witness.length > 0 ? { witness: input.witness.map(toHex) } : {}),
      is_coinbase: coinbase,
      sequence: input.sequence,
      ...inner,
    };
  });
  const valueOut = tx.outs.reduce((sum, o) => sum + o.value, 0n);
  return {
    txid: tx.getId(),
    version: tx.version,
    locktime: tx.locktime,
    vin,
    vout: tx.outs.map((o) => txOutJson(o, sim)),
    size: tx.byteLength(),
    weight: tx.weight(),
    fee: coinbase ? 0 : Number(valueIn - valueOut),
    ...(withStatus ? { status: statusJson(sim.txStatus(tx.getId())) } : {}),
  };
}

/** The redeem script (P2SH) or witness script (P2WSH) an input reveals, as electrs shows them. */
function innerScripts(input: Transaction['ins'][number], prevScript: Uint8Array): Record<string, string> {
  const type = scriptType(prevScript);
  const inner: Record<string, string> = {};
  if (type === 'p2sh') {
    const chunks = bitcoinScript.decompile(input.script) ?? [];
    const last = chunks[chunks.length - 1];
    if (last instanceof Uint8Array) inner.inner_redeemscript_asm = asm(last);
  }
  const redeemIsP2wsh = inner.inner_redeemscript_asm?.startsWith('OP_0 OP_PUSHBYTES_32') ?? false;
  if ((type === 'v0_p2wsh' || redeemIsP2wsh) && input.witness.length > 0) {
    inner.inner_witnessscript_asm = asm(input.witness[input.witness.length - 1]);
  }
  return inner;
}

export function blockJson(sim: ChainState, record: BlockRecord): Record<string, unknown> {
  const { block } = record;
  return {
    id: record.hash,
    height: record.height,
    version: block.version,
    timestamp: record.time,
    tx_count: record.txids.length,
    size: record.raw.length,
    weight: block.weight(),
    merkle_root: hashToId(block.merkleRoot!),
    previousblockhash: record.height > 0 ? record.prevHash : null,
    mediantime: sim.medianTimePast(record.height),
    nonce: block.nonce,
    bits: block.bits,
    difficulty: difficulty(block.bits),
  };
}

/** electrs BlockStatus: stale or unknown blocks are `in_best_chain: false` with null fields. */
export function blockStatusJson(sim: ChainState, hash: string): Record<string, unknown> {
  const record = sim.block(hash);
  if (!record || !sim.isInBestChain(hash)) return { in_best_chain: false, height: null, next_best: null };
  return {
    in_best_chain: true,
    height: record.height,
    next_best: sim.blockAt(record.height + 1)?.hash ?? null,
  };
}

const NAMES: Record<number, string> = {
  0: 'OP_0',
  79: 'OP_PUSHNUM_NEG1',
  106: 'OP_RETURN',
  117: 'OP_DROP',
  118: 'OP_DUP',
  135: 'OP_EQUAL',
  136: 'OP_EQUALVERIFY',
  169: 'OP_HASH160',
  172: 'OP_CHECKSIG',
  173: 'OP_CHECKSIGVERIFY',
  174: 'OP_CHECKMULTISIG',
  177: 'OP_CLTV',
  178: 'OP_CSV',
};

/** rust-bitcoin-style asm; tolerant of truncated pushes (they end the listing, as there). */
export function asm(script: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  while (i < script.length) {
    const op = script[i++];
    let length = -1;
    let name = '';
    if (op >= 0x01 && op <= 0x4b) {
      length = op;
      name = `OP_PUSHBYTES_${op}`;
    } else if (op === 0x4c) {
      length = script[i++] ?? 0;
      name = 'OP_PUSHDATA1';
    } else if (op === 0x4d) {
      length = (script[i] ?? 0) | ((script[i + 1] ?? 0) << 8);
      i += 2;
      name = 'OP_PUSHDATA2';
    } else if (op >= 0x51 && op <= 0x60) {
      name = `OP_PUSHNUM_${op - 0x50}`;
    } else {
      name = NAMES[op] ?? `OP_UNKNOWN_0x${op.toString(16).padStart(2, '0')}`;
    }
    if (length < 0) {
      parts.push(name);
      continue;
    }
    if (i + length > script.length) {
      parts.push('<push past end>');
      break;
    }
    parts.push(name, toHex(script.subarray(i, i + length)));
    i += length;
  }
  return parts.join(' ');
}
