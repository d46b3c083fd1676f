import { AUX_POW_VERSION_BIT, skipAuxPow } from './aux-pow.ts';
import { ByteReader, int64At, MalformedDataError, u32At } from './byte-reader.ts';
import type {
  ConflictingSpend,
  MatchedBlock,
  MatchedOutput,
  WatchedOutpoints,
  WatchedScripts,
} from './match-types.ts';
import { outpointKey, spentOutpoints } from './outpoint.ts';
import { hash256ReversedHex, transactionId } from './transaction-id.ts';
import { emptyLayout, readTransactionLayout } from './transaction-layout.ts';

export interface MatchBlockOptions {
  /** The chain merge-mines (Dogecoin): headers with version bit 8 carry an AuxPoW record. */
  auxPow?: boolean;
}

/**
 * Finds, in one pass over a serialized block, the outputs that pay a watched script and the
 * inputs that spend a watched outpoint. Nothing is built for the other thousands of inputs and
 * outputs: each output script is looked up as a binary string (`scriptKey`) straight from the
 * block's bytes, and txids are hashed only for transactions with a match.
 *
 * Bytes after the last transaction are ignored, as bitcoinjs does: Litecoin appends its MWEB
 * extension block there.
 *
 * @example
 * const block = matchBlock(await backend.getRawBlock(hash), new Set([scriptKey(script)]), new Set());
 * for (const output of block.outputs) console.log(output.txid, output.vout, output.value);
 */
export function matchBlock(
  raw: Uint8Array,
  watchedScripts: WatchedScripts,
  watchedOutpoints: WatchedOutpoints,
  options: MatchBlockOptions = {},
): MatchedBlock {
  if (raw.length < 81) throw new MalformedDataError(`a block is more than 80 bytes, got ${raw.length}`);
  const hash = hash256ReversedHex(raw.subarray(0, 80));
  const prevHash = Buffer.from(raw.subarray(4, 36)).reverse().toString('hex');
  const reader = new ByteReader(raw, 80);
  if (options.auxPow && (u32At(raw, 0) & AUX_POW_VERSION_BIT) !== 0) skipAuxPow(reader);
  const txCount = reader.varint();

  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const outpoints = watchedOutpoints.size > 0 ? outpointKeys(watchedOutpoints) : undefined;
  const scanScripts = watchedScripts.size > 0;
  const walker = new ByteReader(raw);
  const layout = emptyLayout();
  const outputs: MatchedOutput[] = [];
  const conflicts: ConflictingSpend[] = [];

  for (let t = 0; t < txCount; t++) {
    readTransactionLayout(reader, layout);
    let txid: string | undefined;
    let spends: string[] | undefined;

    if (scanScripts) {
      walker.pos = layout.firstOutput;
      for (let vout = 0; vout < layout.outputCount; vout++) {
        const valueAt = walker.pos;
        walker.pos += 8;
        const length = walker.varint();
        const scriptAt = walker.pos;
        walker.pos += length;
        if (!watchedScripts.has(text.toString('latin1', scriptAt, scriptAt + length))) continue;
        txid ??= transactionId(raw, layout);
        spends ??= spentOutpoints(raw, layout);
        outputs.push({
          txid,
          vout,
          // A copy, so that a kept match does not pin the whole block in memory.
          script: raw.slice(scriptAt, scriptAt + length),
          value: int64At(raw, valueAt),
          signalsRbf: layout.signalsRbf,
          spends: spends.slice(),
        });
      }
    }

    if (outpoints) {
      walker.pos = layout.firstInput;
      for (let i = 0; i < layout.inputCount; i++) {
        const at = walker.pos;
        walker.pos = at + 36;
        const scriptLength = walker.varint();
        walker.pos += scriptLength + 4;
        if (!outpoints.prefixes.has(hashPrefix(raw, at))) continue;
        const outpoint = outpoints.byKey.get(text.toString('latin1', at, at + 36));
        if (outpoint === undefined) continue;
        txid ??= transactionId(raw, layout);
        conflicts.push({ outpoint, txid });
      }
    }
  }
  return { hash, prevHash, txCount, outputs, conflicts };
}

interface OutpointIndex {
  /** 30 bits of each watched txid: a Set of small integers that rules out almost every input without building a string. */
  prefixes: Set<number>;
  /** Serialized outpoint (binary string) → the caller's "txid:vout". */
  byKey: Map<string, string>;
}

function outpointKeys(watched: WatchedOutpoints): OutpointIndex {
  const index: OutpointIndex = { prefixes: new Set(), byKey: new Map() };
  for (const outpoint of watched) {
    const key = outpointKey(outpoint);
    index.byKey.set(key, outpoint);
    // The key's first four characters are the hash's first four bytes.
    const prefix =
      key.charCodeAt(0) | (key.charCodeAt(1) << 8) | (key.charCodeAt(2) << 16) | (key.charCodeAt(3) << 24);
    index.prefixes.add(prefix >>> 2);
  }
  return index;
}

/** The first four bytes of a hash, shifted to 30 bits so that V8 keeps them as small integers. */
function hashPrefix(bytes: Uint8Array, at: number): number {
  return u32At(bytes, at) >>> 2;
}
