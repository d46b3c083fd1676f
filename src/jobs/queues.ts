/**
 * Every queue Kassa uses: its payload type and how it behaves. Producers and handlers both use
 * this map, so a payload cannot drift between the two.
 */
export interface QueuePayloads {
  /** Deletes subscription events older than the retention window. */
  'events.prune': Record<string, never>;
  /**
   * The end of an expired invoice's monitoring window has come: apply the lifecycle (it hands
   * the addresses back). Expiry itself is found by the worker's deadline sweep.
   */
  'invoice.deadline': { invoiceId: string };
  /** Derive addresses ahead of demand so invoice creation never derives on the request path. */
  'wallet.refill-pool': { walletId: string };
  /**
   * Watch one chain for a while (a slice), then hand over to the next job. One active job per
   * chain at a time ("stately" per singleton key); a cron job per chain restarts the relay if it
   * ever breaks.
   */
  'chain.watch': { chain: string };
  /**
   * One attempt of one webhook delivery. `attempt` is the number this job makes (1 = first); a
   * job whose delivery has moved on (attempt already recorded) does nothing. Grouped per
   * recipient, so one slow or failing endpoint holds at most `groupConcurrency` workers.
   */
  'webhook.deliver': { deliveryId: string; attempt: number };
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
  /**
   * A running job whose worker stops sending heartbeats (killed) is failed and retried after
   * this many seconds, instead of blocking its singleton key until it expires.
   */
  heartbeatSeconds?: number;
  /** pg-boss queue policy; default `standard`. */
  policy?: 'standard' | 'stately' | 'singleton';
  /**
   * At most this many active jobs per group (SendOptions.group) across all workers: a group's
   * backlog then waits for its own slots and never for another group's.
   */
  groupConcurrency?: number;
  /** Grouped queues: how often an idle process looks for jobs (those that come due send no NOTIFY). */
  pollIntervalMs?: number;
}

export const QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  'chain.watch': {
    notify: true,
    retryLimit: 1000,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 180,
    concurrency: 8,
    policy: 'stately',
    heartbeatSeconds: 10,
  },
  'invoice.deadline': {
    // Monitoring ends hours away and the worker polls every few seconds: no NOTIFY needed.
    notify: false,
    retryLimit: 20,
    retryDelaySeconds: 2,
    retryBackoff: true,
    expireInSeconds: 120,
    concurrency: 16,
    // One queued and one running job per singleton key (invoice id + purpose).
    policy: 'stately',
  },
  'wallet.refill-pool': {
    notify: true,
    retryLimit: 10,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 300,
    concurrency: 2,
    policy: 'stately',
  },
  'webhook.deliver': {
    // No NOTIFY: a pg_notify in the event's transaction serialises commits under load, and the
    // dispatcher's poll (one cheap query per process) bounds the pickup delay anyway.
    notify: false,
    // Handlers never throw for what a receiver does (they schedule their own retries on the
    // delivery's clock); these retries are for Kassa's own failures (database, a stop).
    retryLimit: 1000,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 120,
    concurrency: 32,
    groupConcurrency: 8,
    pollIntervalMs: 200,
  },
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
