import { findWebhookEndpoint } from './find-webhook-endpoint.ts';
import type { Services } from './services.ts';

/**
 * Deletes an endpoint: no new deliveries, pending ones end as FAILED ("not sent") when their
 * turn comes, and its secrets are wiped. The row stays for the delivery log.
 */
export async function deleteWebhookEndpoint(services: Services, storeId: string, id: string) {
  const { prisma } = services.db;
  return prisma.$transaction(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, storeId, id);
    const now = services.now();
    return tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: {
        deletedAt: now,
        updatedAt: now,
        secret: '',
        previousSecret: null,
        previousSecretExpiresAt: null,
      },
    });
  });
}
