import type { Services } from '../app/services.ts';
import { chainWatchHandler } from './chain-watch.ts';
import { invoiceDeadlineHandler } from './invoice-deadline.ts';
import type { JobHandler } from './job-queue.ts';
import { pruneEventsHandler } from './prune-events.ts';
import type { QueueName } from './queues.ts';
import { walletRefillPoolHandler } from './wallet-refill-pool.ts';
import { webhookDeliverHandler } from './webhook-deliver.ts';

/** One handler per queue; the mapped type makes a missing handler a type error. */
export function jobHandlers(services: Services): { [Q in QueueName]: JobHandler<Q> } {
  return {
    'chain.watch': chainWatchHandler(services),
    'events.prune': pruneEventsHandler(services),
    'invoice.deadline': invoiceDeadlineHandler(services),
    'wallet.refill-pool': walletRefillPoolHandler(services),
    'webhook.deliver': webhookDeliverHandler(services),
  };
}
