import { NotFoundError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import type { Services } from './services.ts';

/**
 * Revokes a key of the caller's store, at once in this process and, through the event bus,
 * in every other api process. Another store's key id answers NOT_FOUND, exactly like an id
 * that does not exist, so ids reveal nothing across stores. Idempotent.
 */
export async function revokeApiKey(services: Services, storeId: string, keyId: string) {
  const { db, bus, authenticator } = services;
  if (!isUuid(keyId)) throw new NotFoundError('API key', keyId);
  const revoked = await db.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, storeId } });
    if (!key) throw new NotFoundError('API key', keyId);
    if (key.revokedAt) return key;
    const updated = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: services.now() } });
    await publishEvents(tx, [
      { topic: topics.credentialsRevoked(), storeId, payload: { secretHash: key.secretHash } },
    ]);
    return updated;
  });
  authenticator.forget(revoked.secretHash);
  bus.notifyCommitted();
  return revoked;
}
