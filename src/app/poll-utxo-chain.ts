import type { UtxoChainConfig } from '../chains/chains-config.ts';
import type { ObservedCredit } from '../chains/observations.ts';
import { matchBlock } from '../chains/utxo/match-block.ts';
import { scriptKey } from '../chains/utxo/match-types.ts';
import { parseTransaction } from '../chains/utxo/parse-transaction.ts';
import type { UtxoBackend } from '../chains/utxo/utxo-backend.ts';
import { loadPendingSpends, loadWatchedAddresses } from '../db/watch-set.ts';
import { nativeAssetOf } from './chain-assets.ts';
import { loadOrCreateCursor } from './chain-cursor.ts';
import { recordBlock } from './record-block.ts';
import { recordMempool } from './record-mempool.ts';
import { rollBackIfReorged } from './roll-back-if-reorged.ts';
import type { Services } from './services.ts';

export interface PollResult {
  height: number;
  tip: number;
  blocks: number;
  reorged: boolean;
}

/**
 * One pass of a UTXO chain watcher: follow the node from the stored cursor (rolling back first
 * if the cursor's block is no longer on the best chain), record each new block in order, then,
 * once caught up, look at the mempool. Everything it learns is stored before the cursor moves,
 * so a worker killed at any point resumes with nothing missed and nothing counted twice.
 */
export async function pollUtxoChain(
  services: Services,
  chain: UtxoChainConfig,
  backend: UtxoBackend,
  options: { maxBlocks: number; signal?: AbortSignal },
): Promise<PollResult> {
  const { prisma } = services.db;
  const asset = nativeAssetOf(services.chains, chain.name);
  const tip = await backend.getTip(options.signal);
  let cursor = await loadOrCreateCursor(prisma, chain.name, async () => {
    const height = Math.min(chain.startHeight ?? tip.height, tip.height);
    return { height, hash: await backend.getBlockHash(height, options.signal) };
  });

  const fork = await rollBackIfReorged(services, chain.name, cursor, tip.height, (h) =>
    hashAt(backend, h, options.signal),
  );
  if (fork) return { height: fork.height, tip: tip.height, blocks: 0, reorged: true };

  const watched = await loadWatchedAddresses(prisma, chain.name);
  const addressOf = new Map<string, string>();
  for (const w of watched) if (w.script) addressOf.set(scriptKey(w.script), w.address);
  const scripts = new Set(addressOf.keys());

  let blocks = 0;
  while (cursor.height < tip.height && blocks < options.maxBlocks && !options.signal?.aborted) {
    const height = cursor.height + 1;
    const hash = await backend.getBlockHash(height, options.signal);
    const raw = await backend.getRawBlock(hash, options.signal);
    const outpoints = await loadPendingSpends(prisma, chain.name);
    const matched = matchBlock(raw, scripts, new Set(outpoints.keys()), {
      auxPow: chain.coin === 'dogecoin',
    });
    if (matched.prevHash !== cursor.hash) break; // the chain changed under us: the next pass rolls back
    const credits: ObservedCredit[] = asset
      ? matched.outputs.map((o) => ({
          txid: o.txid,
          outputIndex: o.vout,
          address: addressOf.get(scriptKey(o.script)) as string,
          asset: asset.code,
          amount: o.value,
          signalsRbf: o.signalsRbf,
          spends: o.spends,
        }))
      : [];
    const result = await recordBlock(services, chain, {
      height,
      hash: matched.hash,
      prevHash: matched.prevHash,
      // The header's timestamp (bytes 68-71, little-endian seconds).
      time: new Date(new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(68, true) * 1000),
      credits,
      conflicts: matched.conflicts,
    });
    if (result === 'cursor-moved') break;
    cursor = { height, hash: matched.hash };
    blocks++;
  }

  if (cursor.height === tip.height && asset && !options.signal?.aborted) {
    const pending = await prisma.payment.findMany({
      where: { chain: chain.name, blockHash: null, status: { not: 'REVERSED' } },
      select: { address: true, txid: true },
    });
    const lookAt = new Set([
      ...watched.filter((w) => w.open).map((w) => w.address),
      ...pending.map((p) => p.address),
    ]);
    // Backends return only transactions they have not returned before, and every txid in view.
    const mempool = await backend.getMempoolTransactions([...lookAt], options.signal);
    // Match against the watch set as it is NOW: an address handed out while the mempool was
    // being read was created before anyone could pay it, so its payment is matched here rather
    // than skipped (the backend will not return that transaction again).
    for (const w of await loadWatchedAddresses(prisma, chain.name)) {
      if (w.script && !addressOf.has(scriptKey(w.script))) {
        addressOf.set(scriptKey(w.script), w.address);
        scripts.add(scriptKey(w.script));
      }
    }
    const known = new Set(mempool.txids);
    const credits: ObservedCredit[] = [];
    for (const raw of mempool.fresh) {
      let tx: ReturnType<typeof parseTransaction>;
      try {
        tx = parseTransaction(raw);
      } catch (error) {
        services.log.warn(
          { chain: chain.name, err: (error as Error).message },
          'skipped a mempool transaction it cannot parse',
        );
        continue;
      }
      known.add(tx.txid);
      for (const o of tx.outputs) {
        if (!scripts.has(scriptKey(o.script))) continue;
        credits.push({
          txid: tx.txid,
          outputIndex: o.vout,
          address: addressOf.get(scriptKey(o.script)) as string,
          asset: asset.code,
          amount: o.value,
          signalsRbf: tx.signalsRbf,
          spends: tx.spends,
        });
      }
    }
    await recordMempool(services, chain, credits, known, cursor.height);
  }
  return { height: cursor.height, tip: tip.height, blocks, reorged: false };
}

async function hashAt(
  backend: UtxoBackend,
  height: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    return await backend.getBlockHash(height, signal);
  } catch (error) {
    if ((error as Error).name === 'NodeUnavailableError') throw error;
    return undefined;
  }
}
