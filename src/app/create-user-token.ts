import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.ts';
import { NotFoundError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { issueSecret } from '../domain/secret-token.ts';
import { validateTtlSeconds } from '../domain/user-input.ts';

/**
 * Mints a bearer token for one user (the merchant backend hands it to its frontend). It reads
 * that user's own balances, deposits and invoices and nothing else; only its hash is stored.
 */
export async function createUserToken(
  prisma: PrismaClient,
  storeId: string,
  userId: string,
  ttlSeconds: number,
  now: Date,
) {
  validateTtlSeconds(ttlSeconds);
  if (!isUuid(userId)) throw new NotFoundError('user', userId);
  const user = await prisma.user.findFirst({ where: { id: userId, storeId }, select: { id: true } });
  if (!user) throw new NotFoundError('user', userId);
  const issued = issueSecret('ut');
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await prisma.userToken.create({
    data: { id: randomUUID(), userId, storeId, secretHash: issued.hash, expiresAt },
  });
  return { token: issued.secret, expiresAt };
}
