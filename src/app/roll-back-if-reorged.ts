import { type BlockPointer, findForkPoint } from './chain-cursor.ts';
import { rollbackChain } from './rollback-chain.ts';
import type { Services } from './services.ts';

/**
 * Checks the stored cursor against the node: if its block is no longer on the best chain (or
 * above the node's tip), rolls back to the fork point and returns it; otherwise undefined.
 * Shared by every chain family: only `hashAt` (the node's block hash at a height) differs.
 */
export async function rollBackIfReorged(
  services: Services,
  chain: string,
  cursor: BlockPointer,
  tipHeight: number,
  hashAt: (height: number) => Promise<string | undefined>,
): Promise<BlockPointer | undefined> {
  if (cursor.height <= tipHeight && (await hashAt(cursor.height)) === cursor.hash) return undefined;
  const fork = await findForkPoint(services.db.prisma, chain, cursor, hashAt);
  services.log.warn(
    { chain, from: cursor.height, fork: fork.height },
    'reorg: rolling back to the fork point',
  );
  await rollbackChain(services, chain, cursor, fork);
  return fork;
}
