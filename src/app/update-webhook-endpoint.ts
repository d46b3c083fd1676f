import { validateDescription, validateEvents, validateOverlapMinutes } from '../webhooks/endpoint-input.ts';
import { issueEndpointSecret } from '../webhooks/endpoint-secret.ts';
import { checkWebhookUrl } from './check-webhook-url.ts';
import { findWebhookEndpoint } from './find-webhook-endpoint.ts';
import type { Services } from './services.ts';

export interface UpdateWebhookEndpointInput {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
  /** true re-enables an endpoint (clearing its failure streak); false disables it by hand. */
  enabled?: boolean | null;
  /** Issue a new signing secret; the old one keeps signing too for `secretOverlapMinutes`. */
  rotateSecret?: boolean | null;
  secretOverlapMinutes?: number | null;
}

/**
 * Changes an endpoint of the caller's store. Rotating the secret returns the new one (shown
 * only here); during the overlap each delivery carries a signature with each secret, so the
 * receiver can switch to the new secret whenever it is ready.
 */
export async function updateWebhookEndpoint(
  services: Services,
  storeId: string,
  id: string,
  input: UpdateWebhookEndpointInput,
) {
  const { prisma } = services.db;
  const events = input.events == null ? undefined : validateEvents(input.events);
  const description = input.description === undefined ? undefined : validateDescription(input.description);
  const url = input.url == null ? undefined : await checkWebhookUrl(services.config, input.url);
  const overlapMinutes = validateOverlapMinutes(input.secretOverlapMinutes);
  return prisma.$transaction(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, storeId, id);
    const now = services.now();
    const secret = input.rotateSecret ? issueEndpointSecret() : undefined;
    const enabled = input.enabled;
    const updated = await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: {
        url,
        events,
        description,
        updatedAt: now,
        ...(enabled === true ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
        ...(enabled === false && !endpoint.disabledAt
          ? { disabledAt: now, disabledReason: 'disabled by the store' }
          : {}),
        ...(secret
          ? {
              secret,
              previousSecret: overlapMinutes > 0 ? endpoint.secret : null,
              previousSecretExpiresAt:
                overlapMinutes > 0 ? new Date(now.getTime() + overlapMinutes * 60_000) : null,
            }
          : {}),
      },
    });
    return { endpoint: updated, secret: secret ?? null };
  });
}
