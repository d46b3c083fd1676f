import { insertFreeAddresses, reserveIndexes } from '../db/address-pool.ts';
import { KassaError, NotFoundError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { Services } from './services.ts';

/**
 * The user's permanent deposit address for an asset's chain (on an EVM chain one address takes
 * the coin and every token). Idempotent: the first call takes an address from the store's
 * newest wallet for that chain, later calls return the same one. Watched forever.
 */
export async function createDepositAddress(
  services: Services,
  storeId: string,
  userId: string,
  assetCode: string,
) {
  const asset = services.chains.assets[assetCode.toUpperCase()];
  if (!asset)
    throw new KassaError('UNKNOWN_ASSET', `unknown asset ${assetCode}`, { details: { asset: assetCode } });
  if (!isUuid(userId)) throw new NotFoundError('user', userId);
  const { prisma } = services.db;
  const user = await prisma.user.findFirst({ where: { id: userId, storeId }, select: { id: true } });
  if (!user) throw new NotFoundError('user', userId);
  const existing = await prisma.address.findUnique({
    where: { userId_chain: { userId, chain: asset.chain } },
  });
  if (existing) return { address: existing, asset };
  const wallet = await prisma.wallet.findFirst({
    where: { storeId, chain: asset.chain },
    orderBy: { createdAt: 'desc' },
  });
  if (!wallet)
    throw new KassaError('NO_WALLET', `the store has no wallet for ${asset.code}`, {
      details: { asset: asset.code },
    });

  const address = await prisma.$transaction(async (tx) => {
    // Serialise per user and chain: two concurrent first calls must return one address.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${userId}:${asset.chain}`}))`;
    const again = await tx.address.findUnique({ where: { userId_chain: { userId, chain: asset.chain } } });
    if (again) return again;
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Address" SET state = 'DEPOSIT', "userId" = ${userId}::uuid, "allocatedAt" = ${services.now()}
      WHERE id = (SELECT id FROM "Address" WHERE "walletId" = ${wallet.id}::uuid AND state = 'FREE'
                  ORDER BY "derivationIndex" LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (rows[0]) return tx.address.findUniqueOrThrow({ where: { id: rows[0].id } });
    const index = await reserveIndexes(tx, wallet.id, 1);
    const derived = services.derivers.forWallet(wallet).derive(index, 1);
    await insertFreeAddresses(tx, wallet, derived);
    return tx.address.update({
      where: { walletId_derivationIndex: { walletId: wallet.id, derivationIndex: index } },
      data: { state: 'DEPOSIT', userId, allocatedAt: services.now() },
    });
  });
  return { address, asset };
}
