/**
 * Every queue Kassa uses: its payload type and how it behaves. Producers and handlers both use
 * this map, so a payload cannot drift between the two.
 */
export interface QueuePayloads {
  /** Deletes subscription events older than the retention window. */
  'events.prune': Record<string, never>;
}

export type QueueName = keyof QueuePayloads;

export interface QueuePolicy {
  /**
   * Latency-sensitive queues are woken by LISTEN/NOTIFY (pickup in milliseconds); the others
   * are found by polling alone.
   */
  notify: boolean;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  /** How many jobs of this queue one worker process runs at once. */
  concurrency: number;
  /** Cron (UTC, per minute) for queues that run on a schedule. */
  cron?: string;
}

export const QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  'events.prune': {
    notify: false,
    retryLimit: 3,
    retryDelaySeconds: 60,
    retryBackoff: true,
    expireInSeconds: 300,
    concurrency: 1,
    cron: '17 * * * *',
  },
};
