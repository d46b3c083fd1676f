import { deliverWebhook } from '../app/deliver-webhook.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/** One attempt of one webhook delivery; the use case schedules its own retries. */
export function webhookDeliverHandler(services: Services): JobHandler<'webhook.deliver'> {
  return (payload, job) => deliverWebhook(services, payload, { signal: job.signal });
}
