import { once } from 'node:events';
import { describe, it } from 'vitest';
import { type KassaProcess, type RunningKassa, spawnKassa } from '../support/kassa.ts';
import {
  chainBlockHeights,
  duplicatePaymentKeys,
  paymentRows,
  readCursor,
  waitForCursor,
  waitForCursorAt,
} from './support/utxo-rows.ts';
import { type SlowProxy, startSlowProxy } from './support/utxo-slow-proxy.ts';
import { readInvoice, until, waitForInvoice } from './support/utxo-wait.ts';
import {
  type BtcInvoice,
  createBtcInvoice,
  seedUtxoStore,
  startUtxoKassa,
  startUtxoWorld,
  UTXO_BACKENDS,
  type UtxoBackendKind,
  type UtxoStore,
  type UtxoWorld,
} from './support/utxo-world.ts';

/*
 * Real worker processes (`node src/main.ts`, role worker) on one database, the API in this
 * process. Each scenario runs over both backends at once, each with its own chain and database.
 */

/** A worker's JSON log lines (pino), parsed; other output is skipped. */
function logEntries(worker: KassaProcess): Array<Record<string, unknown>> {
  return worker.logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The log lines a watcher writes when it has recorded blocks: how far it is and how fast. */
const progressLines = (worker: KassaProcess) =>
  logEntries(worker).filter(
    (l) => l.msg === 'chain watcher is at the tip' || l.msg === 'chain watcher catching up',
  );

interface ProcessWorld {
  world: UtxoWorld;
  api: RunningKassa;
  store: UtxoStore;
  /** A delaying proxy in front of the node (no delay until a test sets one). */
  proxy: SlowProxy;
  startWorker(url?: string): Promise<KassaProcess>;
  kill(worker: KassaProcess): Promise<void>;
}

/** A chain, a database, the API in this process and a store; workers started by the test; all stopped after. */
async function withProcessWorld(kind: UtxoBackendKind, test: (w: ProcessWorld) => Promise<void>) {
  const world = await startUtxoWorld(kind);
  const proxy = await startSlowProxy(world.nodeUrl, 0);
  const { kassa: api } = await startUtxoKassa(world, { role: 'api' });
  const workers = new Set<KassaProcess>();
  try {
    const store = await seedUtxoStore(world, api.graphqlUrl);
    await test({
      world,
      api,
      store,
      proxy,
      async startWorker(url = world.nodeUrl) {
        const worker = await spawnKassa(world.db.url, 'worker', {
          KASSA_CHAINS_CONFIG: world.chainsFile(url),
        });
        workers.add(worker);
        return worker;
      },
      async kill(worker) {
        workers.delete(worker);
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
        const exited = once(worker.child, 'exit');
        worker.child.kill('SIGKILL');
        await exited;
      },
    });
  } finally {
    for (const worker of workers) await worker.stop();
    await api.stop();
    await proxy.stop();
    await world.stop();
  }
}

/** The chain's watch jobs as pg-boss holds them (evidence for a stalled hand-over). */
async function watchJobs(world: UtxoWorld) {
  const { rows } = await world.pool.query(
    `SELECT id, state::text, started_on AS "startedOn", expire_seconds AS "expireSeconds", retry_count AS "retryCount"
     FROM pgboss.job WHERE name = 'chain.watch' AND state IN ('created', 'retry', 'active') ORDER BY created_on`,
  );
  return rows;
}

/** How soon a restarted worker must be watching again: the relay's per-minute cron is its safety net. */
const TAKEOVER_MS = 90_000;

describe.concurrent('a worker killed while it catches up, then a new one', { timeout: 420_000 }, () => {
  it.for(UTXO_BACKENDS)(
    'over %s: every payment recorded once, the cursor at the tip, the new worker watching within 90 s',
    (kind, { expect }) =>
      withProcessWorld(kind, async ({ world, store, proxy, startWorker, kill }) => {
        const sim = world.btc.sim;
        // A first worker places the cursor at the tip, then leaves cleanly.
        const first = await startWorker(proxy.url);
        await waitForCursorAt(world.pool, sim.tip());
        expect(await first.stop()).toBe(0);
        const start = sim.height;

        // 30 blocks while no worker runs, with payments to ten invoices in every third block.
        const invoices: BtcInvoice[] = [];
        for (let i = 0; i < 10; i++) invoices.push(await createBtcInvoice(store.admin, '500'));
        const txids: string[] = [];
        for (let b = 0; b < 30; b++) {
          if (b % 3 === 0) txids.push(await sim.pay(invoices[b / 3].address, invoices[b / 3].due));
          await sim.mine(1);
        }
        const tip = sim.tip();
        expect(tip.height).toBe(start + 30);

        // A distant node makes the catch-up last a few seconds; the worker dies in its middle.
        proxy.delayMs = 40;
        const doomed = await startWorker(proxy.url);
        await until(
          async () => {
            const cursor = await readCursor(world.pool);
            return cursor && cursor.height >= start + 5 && cursor.height < tip.height;
          },
          'the cursor between the start and the tip',
          { pollMs: 10 },
        );
        await kill(doomed);
        const atKill = await readCursor(world.pool);
        expect(atKill!.height).toBeGreaterThanOrEqual(start + 5);
        expect(atKill!.height).toBeLessThan(tip.height);

        proxy.delayMs = 0;
        const restarted = await startWorker(proxy.url);
        const restartedAt = Date.now();
        const jobsAtRestart = await watchJobs(world);
        // Correctness first, however long the hand-over takes; its duration is checked after.
        await waitForCursorAt(world.pool, tip, 360_000);
        const takeoverMs = Date.now() - restartedAt;

        for (const { invoice } of invoices)
          await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
        const rows = await paymentRows(world.pool, 'txid = ANY($1)', [txids]);
        expect(rows).toHaveLength(10);
        expect(new Set(rows.map((r) => r.txid))).toEqual(new Set(txids));
        expect(rows.every((r) => r.status === 'CONFIRMED' && r.blockHash !== null)).toBe(true);
        expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
        const { heights, gaps } = await chainBlockHeights(world.pool);
        expect(gaps).toEqual([]);
        expect(heights).toEqual(expect.arrayContaining([start + 1, tip.height]));
        expect(heights.at(-1)).toBe(tip.height);

        // The catch-up progress line: where it stands, how far behind, how fast.
        const progress = progressLines(restarted);
        expect(progress.length, restarted.logs.join('\n')).toBeGreaterThan(0);
        expect(progress.at(-1)).toMatchObject({
          chain: 'bitcoin',
          height: tip.height,
          tip: tip.height,
          behind: 0,
        });
        expect(progress.at(-1)!.blocksPerSecond).toEqual(expect.any(Number));

        expect(
          takeoverMs,
          `the new worker reached the tip ${takeoverMs} ms after it started; chain.watch jobs then: ${JSON.stringify(jobsAtRestart)}`,
        ).toBeLessThanOrEqual(TAKEOVER_MS);
      }),
  );
});

describe.concurrent('two workers on one database', { timeout: 240_000 }, () => {
  it.for(UTXO_BACKENDS)(
    'over %s: many payments over many blocks across a watch-slice hand-over, each recorded once, no gap in the blocks',
    (kind, { expect }) =>
      withProcessWorld(kind, async ({ world, store, startWorker }) => {
        const sim = world.btc.sim;
        const workers = [await startWorker(), await startWorker()];
        const startHeight = (await waitForCursor(world.pool)).height;
        const completedSlices = async () => {
          const { rows } = await world.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'chain.watch' AND state = 'completed'`,
          );
          return rows[0].n;
        };
        const slicesBefore = await completedSlices();

        // A payment every half second and a block every second, until a 45 s watch slice has
        // ended and the next one has run a while.
        const paid: Array<{ invoiceId: string; txid: string }> = [];
        const deadline = Date.now() + 150_000;
        let afterHandOver = 0;
        while (afterHandOver < 8 && Date.now() < deadline) {
          const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
          paid.push({ invoiceId: invoice.id, txid: await sim.pay(address, due) });
          if (paid.length % 2 === 0) await sim.mine(1);
          await new Promise((resolve) => setTimeout(resolve, 500));
          if ((await completedSlices()) > slicesBefore) afterHandOver++;
        }
        expect(await completedSlices(), 'no watch slice ended').toBeGreaterThan(slicesBefore);
        await sim.mine(1);
        await waitForCursorAt(world.pool, sim.tip());

        for (const { invoiceId } of paid)
          await waitForInvoice(store.admin, invoiceId, (i) => i.status === 'SETTLED', 'SETTLED');
        const rows = await paymentRows(world.pool, 'txid = ANY($1)', [paid.map((p) => p.txid)]);
        expect(rows).toHaveLength(paid.length);
        expect(rows.every((r) => r.status === 'CONFIRMED')).toBe(true);
        expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
        const { heights, gaps } = await chainBlockHeights(world.pool);
        expect(gaps).toEqual([]);
        expect(heights.filter((h) => h > startHeight)).toEqual(
          Array.from({ length: sim.height - startHeight }, (_, i) => startHeight + 1 + i),
        );
        expect(paid.length).toBeGreaterThanOrEqual(40);
        expect(workers.some((w) => progressLines(w).length > 0)).toBe(true);
      }),
  );
});

describe.concurrent('the node down and back', { timeout: 120_000 }, () => {
  it.for(UTXO_BACKENDS)(
    'over %s (connections refused): nodeError and a worker log line while down, payments made meanwhile recorded after',
    (kind, { expect }) =>
      withProcessWorld(kind, async ({ world, store, startWorker }) => {
        const sim = world.btc.sim;
        const worker = await startWorker();
        await waitForCursorAt(world.pool, sim.tip());
        const mined = await createBtcInvoice(store.admin, '500');
        const unmined = await createBtcInvoice(store.admin, '500');
        const chainStatus = async () => {
          const { rows } = await world.pool.query<{ nodeError: string | null; nodeErrorSince: Date | null }>(
            `SELECT "nodeError", "nodeErrorSince" FROM "ChainStatus" WHERE chain = 'bitcoin'`,
          );
          return rows[0];
        };

        await world.btc.setDown(true, 'refuse');
        const down = await until(async () => {
          const status = await chainStatus();
          return status?.nodeError ? status : undefined;
        }, 'ChainStatus.nodeError');
        expect(down.nodeErrorSince).toBeInstanceOf(Date);
        await until(
          async () => logEntries(worker).some((l) => String(l.msg).includes('chain node unavailable')),
          "the worker's 'chain node unavailable' log line",
        );

        const minedTxid = await sim.pay(mined.address, mined.due);
        await sim.mine(1);
        const unminedTxid = await sim.pay(unmined.address, unmined.due);
        expect((await readInvoice(store.admin, mined.invoice.id)).payments).toEqual([]);

        await world.btc.setDown(false);
        await waitForCursorAt(world.pool, sim.tip(), 60_000);
        const settled = await waitForInvoice(
          store.admin,
          mined.invoice.id,
          (i) => i.status === 'SETTLED',
          'SETTLED',
        );
        expect(settled.payments).toEqual([expect.objectContaining({ txid: minedTxid, status: 'CONFIRMED' })]);
        const processing = await waitForInvoice(
          store.admin,
          unmined.invoice.id,
          (i) => i.status === 'PROCESSING',
          'PROCESSING',
        );
        expect(processing.payments).toEqual([
          expect.objectContaining({ txid: unminedTxid, status: 'PENDING' }),
        ]);
        await until(async () => (await chainStatus())?.nodeError === null, 'ChainStatus.nodeError cleared');
        expect(logEntries(worker).some((l) => l.msg === 'chain node answers again')).toBe(true);
        expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
      }),
  );
});
