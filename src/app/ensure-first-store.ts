import type { PrismaClient } from '../db/client.ts';
import { createStore } from './create-store.ts';

/**
 * On a brand-new installation, creates the first store and its admin key, so that a newcomer
 * has a key to try the API with. Returns undefined when any store already exists. Two
 * processes starting together are serialised by a transaction-scoped advisory lock.
 */
export async function ensureFirstStore(
  prisma: PrismaClient,
  name = 'My store',
): Promise<Awaited<ReturnType<typeof createStore>> | undefined> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72616364)`;
    if ((await tx.store.count()) > 0) return undefined;
    return createStore(tx, { name });
  });
}
