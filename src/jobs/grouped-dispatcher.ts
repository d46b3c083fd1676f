import type { PgBoss } from 'pg-boss';

/** A claimed job, as pg-boss settles it: the attempt (retryCount) fences a stale settle. */
type JobAttempt = { id: string; retryCount: number };

export interface DispatchedJob<T> {
  id: string;
  data: T;
  retryCount: number;
  /** Aborted when the process stops: the handler returns (throws) and the job is retried later. */
  signal: AbortSignal;
}

export interface GroupedDispatcherOptions {
  /** Jobs this process runs at once. */
  concurrency: number;
  /** Jobs of one group active at once, across every process (pg-boss group concurrency). */
  groupConcurrency: number;
  /** How often an idle dispatcher looks for work (jobs that came due send no wake-up). */
  pollMs: number;
}

interface Logger {
  error(obj: object, msg: string): void;
}

/**
 * Runs a grouped queue with one fetch loop per process feeding `concurrency` slots, instead of
 * pg-boss workers, because for webhook deliveries both pg-boss worker shapes fall short:
 *
 * - a batch worker settles its batch only when the slowest job ends, so one slow endpoint holds
 *   the other endpoints' finished jobs active (their group slots taken) for up to its timeout;
 * - one-job workers sleep a polling interval after each job unless woken by a NOTIFY, and each
 *   NOTIFY wakes all of them (a fetch query per idle worker per event).
 *
 * Here a job that ends frees its slot at once, the loop fetches as many jobs as there are free
 * slots in one query (pg-boss enforces the per-group limit in that query, so a group at its
 * limit never blocks the others), and finished jobs are completed in batches.
 */
export class GroupedDispatcher<T> {
  readonly #boss: PgBoss;
  readonly #name: string;
  readonly #options: GroupedDispatcherOptions;
  readonly #handler: (job: DispatchedJob<T>) => Promise<void>;
  readonly #log: Logger;
  readonly #stopping = new AbortController();
  readonly #running = new Set<Promise<void>>();
  #completed: JobAttempt[] = [];
  #failed: Array<{ attempt: JobAttempt; message: string }> = [];
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    boss: PgBoss,
    name: string,
    options: GroupedDispatcherOptions,
    handler: (job: DispatchedJob<T>) => Promise<void>,
    log: Logger,
  ) {
    this.#boss = boss;
    this.#name = name;
    this.#options = options;
    this.#handler = handler;
    this.#log = log;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops fetching, aborts running jobs (they are retried later), settles what finished. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    this.#stopping.abort();
    this.#wake?.();
    await this.#loop;
    const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.#running]), deadline]);
    await this.#settle();
  }

  async #run(): Promise<void> {
    const { concurrency, groupConcurrency, pollMs } = this.#options;
    while (!this.#stopping.signal.aborted) {
      await this.#settle();
      const free = concurrency - this.#running.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = await this.#boss.fetch<T>(this.#name, { batchSize: free, groupConcurrency });
          fetched = jobs.length;
          for (const job of jobs) this.#start(job);
        } catch (error) {
          this.#log.error({ err: (error as Error).message, queue: this.#name }, 'fetching jobs failed');
        }
      }
      // A full batch means more may be ready: fetch again at once (as slots allow).
      if (free > 0 && fetched === free) continue;
      const wokenEarly = await this.#nap(pollMs);
      // Let the jobs finishing together free their slots, then fetch for all of them at once.
      if (wokenEarly) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  #start(job: { id: string; data: T; retryCount: number }): void {
    const attempt = { id: job.id, retryCount: job.retryCount };
    const running = this.#handler({ ...job, signal: this.#stopping.signal }).then(
      () => void this.#completed.push(attempt),
      (error: Error) => void this.#failed.push({ attempt, message: error?.message ?? String(error) }),
    );
    const tracked = running.finally(() => {
      this.#running.delete(tracked);
      this.#wake?.();
    });
    this.#running.add(tracked);
  }

  /** Sleeps up to `ms`; resolves true when a finishing job (or the stop) woke it first. */
  #nap(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, ms);
      this.#wake = () => {
        this.#wake = undefined;
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Completes the finished jobs in one statement and fails the failed ones (pg-boss retries them). */
  async #settle(): Promise<void> {
    const completed = this.#completed;
    const failed = this.#failed;
    this.#completed = [];
    this.#failed = [];
    try {
      if (completed.length > 0) await this.#boss.complete(this.#name, completed);
      for (const { attempt, message } of failed) await this.#boss.fail(this.#name, attempt, { message });
    } catch (error) {
      // Left active, they expire and run again; their handlers ignore an attempt already made.
      this.#log.error({ err: (error as Error).message, queue: this.#name }, 'settling jobs failed');
    }
  }
}
