import type { PrismaClient } from '../db/client.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';

/**
 * Revokes a key of the caller's store. Another store's key id answers NOT_FOUND, exactly like
 * an id that does not exist, so ids reveal nothing across stores. Idempotent.
 */
export async function revokeApiKey(prisma: PrismaClient, bus: EventBus, storeId: string, keyId: string, now: Date) {
  const revoked = await prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, storeId } });
    if (!key) throw new NotFoundError('API key', keyId);
    if (key.revokedAt) return key;
    const updated = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: now } });
    await publishEvents(tx, [
      { topic: topics.credentialsRevoked(), storeId, payload: { secretHash: key.secretHash } },
    ]);
    return updated;
  });
  bus.notifyCommitted();
  return revoked;
}
