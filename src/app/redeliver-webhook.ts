import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { deliveryGroup } from '../webhooks/delivery-group.ts';
import type { Services } from './services.ts';

/**
 * Sends an event again to the same recipient as a delivery of the caller's store, as a new
 * delivery (same event id, so receivers recognise it; its own attempts and retries). It is sent
 * even to a disabled endpoint: that is how a store checks that a fixed endpoint works.
 */
export async function redeliverWebhook(services: Services, storeId: string, deliveryId: string) {
  if (!isUuid(deliveryId)) throw new NotFoundError('webhook delivery', deliveryId);
  const { prisma } = services.db;
  return prisma.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findFirst({
      where: { id: deliveryId, storeId },
      include: { endpoint: { select: { deletedAt: true } } },
    });
    if (!original) throw new NotFoundError('webhook delivery', deliveryId);
    if (original.endpoint?.deletedAt)
      throw new ValidationError('deliveryId', 'its webhook endpoint was deleted; nothing to send it to');
    const now = services.now();
    const delivery = await tx.webhookDelivery.create({
      data: {
        id: randomUUID(),
        eventId: original.eventId,
        storeId,
        endpointId: original.endpointId,
        url: original.url,
        redeliveryOfId: original.id,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    await services.jobs.send(
      'webhook.deliver',
      { deliveryId: delivery.id, attempt: 1 },
      { tx, group: deliveryGroup(delivery.endpointId, delivery.url) },
    );
    return delivery;
  });
}
