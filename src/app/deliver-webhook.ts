import { WebhookUrlError } from '../webhooks/errors.ts';
import { postWebhook, type WebhookAnswer } from '../webhooks/post-webhook.ts';
import type { Lookup } from '../webhooks/resolve-target.ts';
import { signatureHeader } from '../webhooks/signature.ts';
import { parseWebhookUrl, redactUrl } from '../webhooks/webhook-url.ts';
import { loadWebhookDelivery } from './load-webhook-delivery.ts';
import { recordWebhookAttempt } from './record-webhook-attempt.ts';
import type { Services } from './services.ts';

/** Thrown when an attempt was cut short because the process is stopping: the job runs again later. */
export class DeliveryInterruptedError extends Error {
  override name = 'DeliveryInterruptedError';
}

/**
 * Makes attempt `attempt` of a delivery: POSTs the event's stored body, signed with the
 * endpoint's active secrets, then records the attempt and its consequence (delivered, retry
 * scheduled, failed). A job for an attempt that is already recorded, or for a delivery that is
 * no longer pending, does nothing, so duplicate or replayed jobs are harmless.
 */
export async function deliverWebhook(
  services: Services,
  job: { deliveryId: string; attempt: number },
  options: { signal?: AbortSignal; lookup?: Lookup } = {},
): Promise<void> {
  const delivery = await loadWebhookDelivery(services.db.prisma, job.deliveryId);
  if (delivery?.status !== 'PENDING' || delivery.attemptCount !== job.attempt - 1) return;
  const now = services.now();
  const target = delivery.endpointUrl ?? delivery.url ?? '';
  const record = (answer: WebhookAnswer, url: string, judgesEndpoint = true) =>
    recordWebhookAttempt(services, delivery, {
      number: job.attempt,
      url,
      startedAt: now,
      answer,
      judgesEndpoint,
    });

  if (delivery.endpointId && (delivery.deletedAt || (delivery.disabledAt && !delivery.redeliveryOfId))) {
    const why = delivery.deletedAt ? 'the endpoint was deleted' : 'the endpoint is disabled';
    return record({ error: `not sent: ${why}`, refused: true, durationMs: 0 }, target, false);
  }
  let url: URL;
  try {
    url = parseWebhookUrl(target);
  } catch (error) {
    if (!(error instanceof WebhookUrlError)) throw error;
    return record({ error: error.shortMessage, refused: true, durationMs: 0 }, target);
  }

  const headers: Record<string, string> = {
    'kassa-event-id': delivery.eventId,
    'kassa-event-type': delivery.eventType,
    'kassa-delivery-id': delivery.id,
  };
  if (delivery.endpointId && delivery.secret) {
    const secrets = [delivery.secret];
    const { previousSecret, previousSecretExpiresAt } = delivery;
    if (previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > now)
      secrets.push(previousSecret);
    headers['kassa-signature'] = signatureHeader(secrets, Math.floor(now.getTime() / 1000), delivery.body);
  }
  const answer = await postWebhook({
    url,
    body: delivery.body,
    headers,
    timeoutMs: services.config.webhooks.timeoutMs,
    allowPrivate: services.config.webhooks.allowPrivateAddresses,
    signal: options.signal,
    lookup: options.lookup,
  });
  // Not an answer from the receiver: the attempt is not recorded and the job runs again.
  if (answer.aborted) throw new DeliveryInterruptedError(`delivery ${delivery.id} interrupted by a stop`);
  await record(answer, redactUrl(url));
}
