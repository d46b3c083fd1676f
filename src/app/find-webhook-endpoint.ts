import type { PrismaClient, Tx } from '../db/client.ts';
import { NotFoundError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';

/**
 * A live endpoint of the caller's store. Another store's endpoint, a deleted one and an id
 * that does not exist all answer NOT_FOUND alike, so ids reveal nothing across stores.
 */
export async function findWebhookEndpoint(db: PrismaClient | Tx, storeId: string, id: string) {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id);
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, storeId, deletedAt: null } });
  if (!endpoint) throw new NotFoundError('webhook endpoint', id);
  return endpoint;
}
