import type { PrismaClient } from '../db/client.ts';

export interface BlockPointer {
  height: number;
  hash: string;
}

/**
 * The chain's stored cursor; on the very first start it is created at `start` (the configured
 * start height, or the tip): a new installation has no payments in older blocks to find.
 */
export async function loadOrCreateCursor(
  prisma: PrismaClient,
  chain: string,
  start: () => Promise<BlockPointer>,
): Promise<BlockPointer> {
  const existing = await prisma.chainCursor.findUnique({ where: { chain } });
  if (existing) return { height: existing.height, hash: existing.hash };
  const at = await start();
  await prisma.chainCursor.createMany({
    data: [{ chain, height: at.height, hash: at.hash }],
    skipDuplicates: true,
  });
  const created = await prisma.chainCursor.findUniqueOrThrow({ where: { chain } });
  return { height: created.height, hash: created.hash };
}

/**
 * Walks back from the cursor to the highest block whose stored hash the node still has at that
 * height: the fork point of a reorg. Blocks older than the stored history are trusted.
 */
export async function findForkPoint(
  prisma: PrismaClient,
  chain: string,
  cursor: BlockPointer,
  hashAt: (height: number) => Promise<string | undefined>,
): Promise<BlockPointer> {
  const stored = await prisma.chainBlock.findMany({
    where: { chain, height: { lte: cursor.height } },
    orderBy: { height: 'desc' },
    take: 1000,
    select: { height: true, hash: true },
  });
  for (const block of stored) {
    if ((await hashAt(block.height)) === block.hash) return block;
  }
  // Deeper than our history: restart from just below it, at what the node says is there now.
  const height = Math.max(0, (stored.at(-1)?.height ?? cursor.height) - 1);
  return { height, hash: (await hashAt(height)) ?? '' };
}
