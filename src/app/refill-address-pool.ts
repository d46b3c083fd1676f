import { countFreeAddresses, insertFreeAddresses, reserveIndexes } from '../db/address-pool.ts';
import type { Services } from './services.ts';

/** How many never-handed-out addresses each wallet keeps ready. */
export const POOL_TARGET = 50;

/**
 * Derives addresses until the wallet has POOL_TARGET free ones. Runs in a worker (derivation
 * costs about a millisecond per address). Deriving ahead does not touch a wallet's gap limit:
 * only addresses handed to invoices count, and unpaid ones come back (release-invoice-addresses).
 */
export async function refillAddressPool(services: Services, walletId: string): Promise<number> {
  const { prisma } = services.db;
  const wallet = await prisma.wallet.findUnique({ where: { id: walletId } });
  if (!wallet) return 0;
  const deriver = services.derivers.forWallet(wallet);
  return prisma.$transaction(async (tx) => {
    // Serialises refills of one wallet; the index reservation below locks the wallet row anyway.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${walletId}))`;
    const missing = POOL_TARGET - (await countFreeAddresses(tx, walletId));
    if (missing <= 0) return 0;
    const start = await reserveIndexes(tx, walletId, missing);
    await insertFreeAddresses(tx, wallet, deriver.derive(start, missing));
    return missing;
  });
}
