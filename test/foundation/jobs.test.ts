import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { pollUntil } from '../support/poll-until.ts';

const log = pino({ level: 'silent' });

/** Polls `condition` until it holds, failing after `timeoutMs`. */
function until<T>(
  condition: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return pollUntil(condition, what, { timeoutMs });
}

/** A promise with its resolver, for handlers that report or wait. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function jobState(queue: JobQueue, name: string, id: string): Promise<string | undefined> {
  const [job] = await queue.boss.findJobs(name, { id });
  return job?.state;
}

describe('events.prune, run by a worker process', () => {
  let db: TestDatabase;
  let worker: RunningKassa;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startKassa(db.url, { KASSA_ROLE: 'worker' });
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it('deletes events older than 24 hours and keeps recent ones', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const ages = {
        ancient: '30 days',
        old: '25 hours',
        justOld: '24 hours 1 minute',
        recent: '23 hours',
        fresh: '0',
      };
      for (const [topic, age] of Object.entries(ages)) {
        await c.query(
          `INSERT INTO "Event" (topic, payload, "createdAt") VALUES ($1, '{}', now() - $2::interval)`,
          [topic, age],
        );
      }
      const jobs = worker.app.services!.jobs;
      const id = await jobs.send('events.prune', {});
      expect(id).toBeTruthy();
      await until(
        async () => (await jobState(jobs, 'events.prune', id!)) === 'completed',
        15_000,
        'the prune job',
      );

      const { rows } = await c.query<{ topic: string }>('SELECT topic FROM "Event" ORDER BY id');
      expect(rows.map((r) => r.topic)).toEqual(['recent', 'fresh']);
    } finally {
      await c.end();
    }
  });
});

describe('JobQueue', () => {
  let db: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = connectDatabase(db.url, 2);
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  async function startQueue(): Promise<JobQueue> {
    const queue = new JobQueue(db.url, log, { maxConnections: 3 });
    await queue.start({ schedule: false });
    return queue;
  }

  it('enqueues inside a Prisma transaction: a rolled-back job never exists or runs, a committed one runs', async () => {
    const queue = await startQueue();
    try {
      const handled: string[] = [];
      const committedRan = signal();
      let committedId: string | null = null;
      await queue.work('events.prune', async (_payload, job) => {
        handled.push(job.id);
        if (job.id === committedId) committedRan.resolve();
      });

      let rolledBackId: string | null = null;
      await expect(
        database.prisma.$transaction(async (tx) => {
          rolledBackId = await queue.send('events.prune', {}, { tx });
          expect(rolledBackId).toBeTruthy();
          // Not visible outside the transaction before it commits...
          expect(await jobState(queue, 'events.prune', rolledBackId!)).toBeUndefined();
          throw new Error('the business event failed');
        }),
      ).rejects.toThrow('the business event failed');
      // ...and gone with it.
      expect(await jobState(queue, 'events.prune', rolledBackId!)).toBeUndefined();

      committedId = await database.prisma.$transaction(async (tx) => {
        const id = await queue.send('events.prune', {}, { tx });
        // Also written by this transaction: the job and the business rows commit together.
        await tx.$executeRaw`INSERT INTO "Event" (topic, payload) VALUES ('with-job', '{}')`;
        return id;
      });
      expect(committedId).toBeTruthy();
      await committedRan.promise;
      expect(handled).toEqual([committedId]);
      expect(handled).not.toContain(rolledBackId);
    } finally {
      await queue.stop();
    }
  });

  it('wakes a worker of a notify queue within milliseconds (LISTEN/NOTIFY, not polling)', async () => {
    const queue = await startQueue();
    try {
      const name = 'test.notify-latency';
      await queue.boss.createQueue(name, { notify: true });
      const started = new Map<number, (at: number) => void>();
      // The same polling settings JobQueue.work uses: without a notification a job would wait
      // for the next poll, up to 2 s away.
      await queue.boss.work<{ n: number }>(
        name,
        { pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 10 },
        async ([job]) => {
          started.get(job.data.n)?.(performance.now());
        },
      );

      const jobs = 20;
      const latencies: number[] = [];
      for (let n = 0; n < jobs; n++) {
        const handlerStarted = new Promise<number>((resolve) => started.set(n, resolve));
        const sentAt = performance.now();
        await queue.boss.send(name, { n });
        latencies.push((await handlerStarted) - sentAt);
        // Once half the jobs were slow the median cannot pass: fail now rather than at the timeout.
        if (latencies.filter((l) => l >= 100).length >= jobs / 2) break;
      }
      const all = [...latencies, ...Array(jobs - latencies.length).fill(Number.POSITIVE_INFINITY)];
      all.sort((a, b) => a - b);
      const p50 = all[jobs / 2];
      expect(p50, `pickup latencies (ms): ${latencies.map((l) => l.toFixed(1)).join(', ')}`).toBeLessThan(
        100,
      );
    } finally {
      await queue.stop();
    }
  }, 60_000);

  it('stop() lets a running handler finish before it resolves, and the job is recorded as completed', async () => {
    const queue = await startQueue();
    const order: string[] = [];
    const handlerStarted = signal<string>();
    const stopCalled = signal();
    let abortedWhileRunning: boolean | undefined;
    await queue.work('events.prune', async (_payload, job) => {
      handlerStarted.resolve(job.id);
      await stopCalled.promise;
      // Work that is still going on after stop() was called (a chain call, a webhook POST).
      await new Promise((resolve) => setTimeout(resolve, 300));
      abortedWhileRunning = job.signal.aborted;
      order.push('handler finished');
    });
    const id = await queue.send('events.prune', {});
    expect(await handlerStarted.promise).toBe(id);

    const stopped = queue.stop().then(() => order.push('stop resolved'));
    stopCalled.resolve();
    await stopped;
    expect(order).toEqual(['handler finished', 'stop resolved']);
    expect(abortedWhileRunning).toBe(false);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT state FROM pgboss.job WHERE id = $1', [id]);
      expect(rows).toEqual([{ state: 'completed' }]);
    } finally {
      await c.end();
    }
  });
});
