import { PgBoss } from 'pg-boss';
import { runSql, type SqlTx } from '../db/sql-tx.ts';
import { GroupedDispatcher } from './grouped-dispatcher.ts';
import { QUEUE_POLICIES, type QueueName, type QueuePayloads } from './queues.ts';

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists if and only if it commits. */
  tx?: SqlTx;
  startAfter?: Date;
  /** At most one queued job per key (deadlines, per-chain polls). */
  singletonKey?: string;
  /** The job's group, for queues with a `groupConcurrency` (webhook deliveries per endpoint). */
  group?: string;
}

export type JobHandler<Q extends QueueName> = (
  payload: QueuePayloads[Q],
  job: {
    id: string;
    retryCount: number;
    /** Aborted when the job itself is cancelled or expires: stop now. */
    signal: AbortSignal;
    /** Aborted when this process starts a graceful stop: finish what is in hand, start nothing new. */
    stopping: AbortSignal;
  },
) => Promise<void>;

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The typed face of pg-boss. Queues are created at start from QUEUE_POLICIES; handlers throw to
 * retry. pg-boss keeps its tables in its own `pgboss` schema, outside Prisma's migrations.
 */
export class JobQueue {
  readonly boss: PgBoss;
  readonly #log: Logger;
  #started = false;
  /** Aborted when this process starts stopping: long-running handlers hand over and return. */
  readonly #stopping = new AbortController();
  readonly #dispatchers: Array<GroupedDispatcher<unknown>> = [];

  constructor(databaseUrl: string, log: Logger, options: { maxConnections?: number } = {}) {
    this.#log = log;
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      max: options.maxConnections ?? 6,
      useListenNotify: true,
      application_name: 'kassa-jobs',
    });
    this.boss.on('error', (error: Error) => this.#log.error({ err: error.message }, 'job queue error'));
  }

  /** Installs or upgrades pg-boss's schema (under its own lock) and creates Kassa's queues. */
  async start(options: { schedule: boolean }): Promise<void> {
    await this.boss.start();
    this.#started = true;
    for (const [name, policy] of Object.entries(QUEUE_POLICIES)) {
      await this.boss.createQueue(name, {
        notify: policy.notify,
        retryLimit: policy.retryLimit,
        retryDelay: policy.retryDelaySeconds,
        retryBackoff: policy.retryBackoff,
        expireInSeconds: policy.expireInSeconds,
        policy: policy.policy ?? 'standard',
        // pg-boss rejects the key itself when undefined.
        ...(policy.heartbeatSeconds ? { heartbeatSeconds: policy.heartbeatSeconds } : {}),
      });
      // createQueue leaves an existing queue as it was: an installation made by an earlier
      // version keeps up with a changed NOTIFY choice (the deadline queue dropped it).
      await this.boss.updateQueue(name, { notify: policy.notify });
      if (options.schedule && policy.cron) await this.boss.schedule(name, policy.cron, {});
    }
  }

  async send<Q extends QueueName>(name: Q, payload: QueuePayloads[Q], options: SendOptions = {}) {
    const { tx } = options;
    return this.boss.send(name, payload as object, {
      startAfter: options.startAfter,
      singletonKey: options.singletonKey,
      group: options.group === undefined ? undefined : { id: options.group },
      db: inTx(tx),
    });
  }

  /**
   * Enqueues several jobs in one statement (inside `tx`: they exist if and only if it commits),
   * e.g. one webhook delivery per endpoint of an event.
   */
  async sendMany<Q extends QueueName>(
    name: Q,
    jobs: ReadonlyArray<{ payload: QueuePayloads[Q]; startAfter?: Date; group?: string }>,
    options: { tx?: SqlTx } = {},
  ): Promise<void> {
    if (jobs.length === 0) return;
    const { tx } = options;
    await this.boss.insert(
      name,
      jobs.map((job) => ({
        data: job.payload as object,
        startAfter: job.startAfter,
        group: job.group === undefined ? undefined : { id: job.group },
      })),
      {
        returnId: false,
        db: inTx(tx),
      },
    );
  }

  /** True once stop() was called: handlers must not queue follow-up work for this process. */
  get stopping(): boolean {
    return this.#stopping.signal.aborted;
  }

  /** Runs a recurring job per `key` (each chain its own schedule). */
  async scheduleKeyed<Q extends QueueName>(name: Q, cron: string, payload: QueuePayloads[Q], key: string) {
    await this.boss.schedule(name, cron, payload as object, { key, singletonKey: key });
  }

  /** Runs `handler` for each job of `name` in this process. */
  async work<Q extends QueueName>(name: Q, handler: JobHandler<Q>): Promise<void> {
    const policy = QUEUE_POLICIES[name];
    // Jobs are fetched in batches and settled one by one (a failure retries only its own job);
    // a full batch means more work is waiting, so the worker fetches again at once instead of
    // sleeping an interval per job. A delayed job that comes due sends no NOTIFY, so the idle
    // poll stays short.
    if (policy.groupConcurrency !== undefined) {
      // Grouped queues (webhook deliveries per endpoint) have their own loop: see GroupedDispatcher.
      const dispatcher = new GroupedDispatcher<QueuePayloads[Q]>(
        this.boss,
        name,
        {
          concurrency: policy.concurrency,
          groupConcurrency: policy.groupConcurrency,
          pollMs: policy.pollIntervalMs ?? 1000,
        },
        (job) =>
          handler(job.data, {
            id: job.id,
            retryCount: job.retryCount,
            signal: job.signal,
            stopping: this.#stopping.signal,
          }),
        this.#log,
      );
      this.#dispatchers.push(dispatcher as GroupedDispatcher<unknown>);
      dispatcher.start();
      return;
    }
    await this.boss.work<QueuePayloads[Q]>(
      name,
      {
        batchSize: policy.concurrency,
        burstWhenBatchFull: policy.concurrency > 1,
        perJobResults: true,
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 1,
      },
      async (jobs) =>
        Promise.all(
          jobs.map(async (job) => {
            try {
              await handler(job.data, {
                id: job.id,
                retryCount: job.retryCount,
                signal: job.signal,
                stopping: this.#stopping.signal,
              });
              return { id: job.id, status: 'completed' as const };
            } catch (error) {
              this.#log.error(
                { err: (error as Error).message, queue: name, jobId: job.id },
                'job failed; it will be retried',
              );
              return { id: job.id, status: 'failed' as const, output: { message: (error as Error).message } };
            }
          }),
        ),
    );
  }

  /** Waits for running handlers to finish (up to `timeoutMs`), then closes connections. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping.abort();
    await Promise.all(this.#dispatchers.map((d) => d.stop(timeoutMs)));
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}

/** pg-boss's way to run its SQL in the caller's transaction. */
function inTx(tx: SqlTx | undefined) {
  if (!tx) return undefined;
  // Its statements are the same text for a queue every time: prepared once per connection.
  return {
    executeSql: async (text: string, values: unknown[] = []) => ({
      rows: await runSql(tx, text, values, { prepare: true }),
    }),
  };
}
