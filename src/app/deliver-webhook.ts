import { WebhookUrlError } from '../webhooks/errors.ts';
import { postWebhook, type WebhookAnswer } from '../webhooks/post-webhook.ts';
import type { Lookup } from '../webhooks/resolve-target.ts';
import { signatureHeader } from '../webhooks/signature.ts';
import { parseWebhookUrl, redactUrl } from '../webhooks/webhook-url.ts';
import { recordWebhookAttempt } from './record-webhook-attempt.ts';
import type { Services } from './services.ts';

/** Thrown when an attempt was cut short because the process is stopping: the job runs again later. */
export class DeliveryInterruptedError extends Error {
  override name = 'DeliveryInterruptedError';
}

/**
 * Makes attempt `attempt` of a delivery: POSTs the event's stored body, signed with the
 * endpoint's active secrets, then records the attempt and its consequence (delivered, retry
 * scheduled, failed) in one transaction. A job for an attempt that is already recorded, or for a
 * delivery that is no longer pending, does nothing, so duplicate or replayed jobs are harmless.
 */
export async function deliverWebhook(
  services: Services,
  job: { deliveryId: string; attempt: number },
  options: { signal?: AbortSignal; lookup?: Lookup } = {},
): Promise<void> {
  const delivery = await services.db.prisma.webhookDelivery.findUnique({
    where: { id: job.deliveryId },
    include: { event: true, endpoint: true },
  });
  if (delivery?.status !== 'PENDING' || delivery.attemptCount !== job.attempt - 1) return;
  const { endpoint, event } = delivery;
  const now = services.now();
  const target = endpoint?.url ?? delivery.url ?? '';
  const record = (answer: WebhookAnswer, url: string, judgesEndpoint = true) =>
    recordWebhookAttempt(services, delivery, {
      number: job.attempt,
      url,
      startedAt: now,
      answer,
      judgesEndpoint,
    });

  if (endpoint && (endpoint.deletedAt || (endpoint.disabledAt && !delivery.redeliveryOfId))) {
    const why = endpoint.deletedAt ? 'the endpoint was deleted' : 'the endpoint is disabled';
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
    'kassa-event-id': event.id,
    'kassa-event-type': event.type,
    'kassa-delivery-id': delivery.id,
  };
  if (endpoint) {
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
      secrets.push(endpoint.previousSecret);
    headers['kassa-signature'] = signatureHeader(secrets, Math.floor(now.getTime() / 1000), event.body);
  }
  const answer = await postWebhook({
    url,
    body: event.body,
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
