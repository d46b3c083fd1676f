import type { PrismaClient } from '../db/client.ts';

/** Records that a chain's node answered, with where the watcher stands. */
export async function reportChainProgress(
  prisma: PrismaClient,
  chain: string,
  height: number,
  tipHeight: number,
) {
  await prisma.chainStatus.upsert({
    where: { chain },
    create: { chain, height, tipHeight },
    update: { height, tipHeight, nodeError: null, nodeErrorSince: null },
  });
}

/** Records a node failure; `nodeErrorSince` keeps the start of the outage. */
export async function reportChainFailure(prisma: PrismaClient, chain: string, message: string, now: Date) {
  const existing = await prisma.chainStatus.findUnique({ where: { chain } });
  await prisma.chainStatus.upsert({
    where: { chain },
    create: { chain, nodeError: message, nodeErrorSince: now },
    update: { nodeError: message, nodeErrorSince: existing?.nodeErrorSince ?? now },
  });
}
