import { performance } from 'node:perf_hooks';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import { enqueueWebhookEvents } from '../../src/webhooks/enqueue-webhook-events.ts';

/**
 * Commits webhook events the way Kassa's use cases do (enqueueWebhookEvents inside a Prisma
 * transaction, delivery jobs sent in it), from the benchmark's own process so that the commit
 * time and the sink's arrival time are read on the same clock. Each transaction is one event,
 * like one invoice created; the event names no real invoice, so `data` stays as given.
 */
export interface WebhookProducer {
  /** Commits event `seq` for `storeId`; resolves with performance.now() just after the commit. */
  commit(storeId: string, seq: number): Promise<number>;
  close(): Promise<void>;
}

const quiet = { info() {}, error() {} };

export async function startWebhookProducer(
  databaseUrl: string,
  connections: number,
): Promise<WebhookProducer> {
  const db: Database = connectDatabase(databaseUrl, connections);
  const jobs = new JobQueue(databaseUrl, quiet, { maxConnections: 2 });
  // Creates nothing new (Kassa created the queues); sending needs a started pg-boss.
  await jobs.start({ schedule: false });
  return {
    async commit(storeId, seq) {
      await db.prisma.$transaction((tx) =>
        enqueueWebhookEvents({ jobs, now: () => new Date() }, tx, [
          {
            storeId,
            type: 'invoice.created',
            data: { invoiceId: `bench-${seq}`, benchSeq: seq },
            notificationUrl: null,
          },
        ]),
      );
      return performance.now();
    },
    async close() {
      await jobs.stop(1_000);
      await db.close();
    },
  };
}
