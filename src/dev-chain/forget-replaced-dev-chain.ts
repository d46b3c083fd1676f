import type { PrismaClient } from '../db/client.ts';
import { DEV_CHAIN_NAME } from './dev-chain-config.ts';

/**
 * When the dev chain was created anew (its state file deleted) after Kassa last moved its cursor,
 * the stored cursor and block hashes belong to a chain that no longer exists: walking back to a
 * "fork point" through them would treat every old block as reorged away. Forgetting them makes
 * the watcher start at the new chain's tip; payments recorded on the old chain keep their state.
 * A cursor whose block the node still has is this chain's, whatever the times say. Returns
 * whether anything was forgotten.
 */
export async function forgetReplacedDevChain(
  prisma: PrismaClient,
  chain: { genesisTime: Date; hashAt(height: number): Promise<string | undefined> },
): Promise<boolean> {
  const cursor = await prisma.chainCursor.findUnique({ where: { chain: DEV_CHAIN_NAME } });
  if (!cursor || (await chain.hashAt(cursor.height)) === cursor.hash) return false;
  // Block times are whole seconds: a cursor moved in the second the new chain began is older.
  if (cursor.updatedAt.getTime() >= chain.genesisTime.getTime() + 1000) return false;
  await prisma.$transaction([
    prisma.chainBlock.deleteMany({ where: { chain: DEV_CHAIN_NAME } }),
    prisma.chainCursor.deleteMany({ where: { chain: DEV_CHAIN_NAME } }),
  ]);
  return true;
}
