import type { PublicClient } from 'viem';
import type { EvmChainConfig } from '../chains/chains-config.ts';
import { EvmChainMovedError } from '../chains/evm/evm-chain-moved-error.ts';
import { getEvmBlockRef, getEvmTip, scanEvmBlocks } from '../chains/evm/scan-evm-blocks.ts';
import type { ObservedCredit } from '../chains/observations.ts';
import { loadWatchedAddresses } from '../db/watch-set.ts';
import { nativeAssetOf, tokenAssetsOf } from './chain-assets.ts';
import { loadOrCreateCursor } from './chain-cursor.ts';
import type { PollResult } from './poll-utxo-chain.ts';
import { recordBlock } from './record-block.ts';
import { recordMempool } from './record-mempool.ts';
import { rollBackIfReorged } from './roll-back-if-reorged.ts';
import type { Services } from './services.ts';

/**
 * One pass of an EVM chain watcher: roll back if the cursor's block was reorged away, then scan
 * new blocks in ranges (native transfers from block transactions, ERC-20 Transfer logs of the
 * configured tokens) and record them block by block in order.
 */
export async function pollEvmChain(
  services: Services,
  chain: EvmChainConfig,
  client: PublicClient,
  options: { maxBlocks: number; signal?: AbortSignal },
): Promise<PollResult> {
  const { prisma } = services.db;
  const tip = Number(await getEvmTip(client));
  const hashAt = async (height: number) => (await getEvmBlockRef(client, BigInt(height)))?.hash;
  let cursor = await loadOrCreateCursor(prisma, chain.name, async () => {
    const height = Math.min(chain.startHeight ?? tip, tip);
    return { height, hash: (await hashAt(height)) as string };
  });
  const fork = await rollBackIfReorged(services, chain.name, cursor, tip, hashAt);
  if (fork) return { height: fork.height, tip, blocks: 0, reorged: true };
  if (cursor.height >= tip) return { height: cursor.height, tip, blocks: 0, reorged: false };

  const native = nativeAssetOf(services.chains, chain.name);
  const tokens = tokenAssetsOf(services.chains, chain.name);
  const watched = await loadWatchedAddresses(prisma, chain.name);
  const checksummed = new Map(watched.map((w) => [w.address.toLowerCase(), w.address]));
  const toBlock = Math.min(tip, cursor.height + options.maxBlocks);
  let scan: Awaited<ReturnType<typeof scanEvmBlocks>>;
  try {
    scan = await scanEvmBlocks(client, {
      fromBlock: BigInt(cursor.height + 1),
      toBlock: BigInt(toBlock),
      watched: new Set(checksummed.keys()),
      tokens: [...tokens.values()].map((a) => a.token as `0x${string}`),
      logsBlockRange: chain.logsBlockRange,
    });
  } catch (error) {
    // The chain changed while we read it: nothing of this scan is used; the next pass sees the reorg.
    if (error instanceof EvmChainMovedError) return { height: cursor.height, tip, blocks: 0, reorged: true };
    throw error;
  }

  let blocks = 0;
  for (const block of scan.blocks) {
    if (options.signal?.aborted || block.parentHash !== cursor.hash) break;
    const credits: ObservedCredit[] = [];
    for (const t of scan.transfers) {
      if (t.blockHash !== block.hash) continue;
      const asset = t.token ? tokens.get(t.token.toLowerCase()) : native;
      const address = checksummed.get(t.to.toLowerCase());
      if (!asset || !address) continue;
      credits.push({
        txid: t.txHash,
        outputIndex: t.logIndex,
        address,
        asset: asset.code,
        amount: t.amount,
        signalsRbf: false,
        spends: [],
      });
    }
    const height = Number(block.number);
    const result = await recordBlock(services, chain, {
      height,
      hash: block.hash,
      prevHash: block.parentHash,
      time:
        'timestamp' in block
          ? new Date(Number((block as { timestamp: bigint }).timestamp) * 1000)
          : undefined,
      credits,
      conflicts: [],
    });
    if (result === 'cursor-moved') break;
    cursor = { height, hash: block.hash };
    blocks++;
  }
  if (cursor.height === tip && !options.signal?.aborted)
    await checkUnminedPayments(services, chain, client, tip);
  return { height: cursor.height, tip, blocks, reorged: false };
}

/**
 * Payments a reorg took out of the chain: still known to the node (pending, or mined above our
 * cursor) or gone. Gone for `reversalDepth` blocks makes them REVERSED (record-mempool.ts).
 */
async function checkUnminedPayments(
  services: Services,
  chain: EvmChainConfig,
  client: PublicClient,
  tip: number,
) {
  const unmined = await services.db.prisma.payment.findMany({
    where: { chain: chain.name, blockHash: null, status: { not: 'REVERSED' } },
    select: { txid: true },
  });
  if (unmined.length === 0) return;
  const known = new Set<string>();
  for (const { txid } of unmined) {
    const found = await client.getTransaction({ hash: txid as `0x${string}` }).catch((error: Error) => {
      if (error.name === 'TransactionNotFoundError') return undefined;
      throw error;
    });
    if (found) known.add(txid);
  }
  await recordMempool(services, chain, [], known, tip);
}
