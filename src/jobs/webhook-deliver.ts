import { deliverWebhook } from '../app/deliver-webhook.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/**
 * One attempt of one webhook delivery; the use case schedules its own retries. A stop cuts the
 * attempt short (it is not recorded, and pg-boss runs the job again after the restart) rather
 * than hold the shutdown for up to the attempt's timeout.
 */
export function webhookDeliverHandler(services: Services): JobHandler<'webhook.deliver'> {
  return (payload, job) =>
    deliverWebhook(services, payload, { signal: AbortSignal.any([job.signal, job.stopping]) });
}
