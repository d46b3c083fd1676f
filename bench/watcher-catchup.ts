import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import { chooseDatabase } from './support/database.ts';
import { type KassaChild, startKassa } from './support/kassa-child.ts';
import { percentile } from './support/load.ts';
import { describeLoad, machineLoad } from './support/machine-load.ts';
import { type BackendCpuSnapshot, backendCpu } from './support/postgres-cpu.ts';
import { type FetchRangeResult, fetchRange } from './support/utxo-fetch-only.ts';
import {
  addBitcoinWallet,
  type BenchInvoice,
  createBtcInvoices,
  readCursor,
  readPayments,
  sleep,
  startWatcherChain,
  type WatcherChain,
  writeChainsConfig,
} from './support/watcher-world.ts';
import type { BenchContext, Benchmark, BenchResult } from './types.ts';

/**
 * Issue "Chain watchers": how fast the Bitcoin watcher catches up on blocks it missed, against
 * the same node client only fetching them. No SPEC target; the figure and the ratio are reported.
 *
 * Chain: the Bitcoin simulator (test/support/bitcoin-simulator, mainnet addresses) in this
 * process, served over its Bitcoin Core JSON-RPC endpoint: 120 initial blocks, one block that
 * fans 50 coinbase coins out into 10,000 coins, then the BLOCKS measured blocks, each with
 * TXS_PER_BLOCK filler transactions (bench/support/bitcoin-filler.ts: 1–3 segwit inputs, 1–3
 * outputs of mixed script types, ~190 vB each, so ~85 KB blocks; a busy mainnet block is ~10×
 * that) and, every BLOCKS / INVOICES blocks, one real simulator payment (`sim.pay`, signed) of
 * an invoice's amount to its address, INVOICES in all.
 *
 * Kassa: first an api process (KASSA_ROLE=api; it watches nothing) creates the store's bitcoin
 * wallet and the INVOICES invoices before anything is mined, and stops. Once every block is
 * mined, a worker process (KASSA_ROLE=worker, bench/support/servers/kassa-worker.ts) starts with
 * the chain's `startHeight` at the block before the measured ones, so its first pass creates
 * the cursor there and it catches up through all of them. This process samples the stored
 * cursor (ChainCursor.height) every SAMPLE_MS; the rate is the blocks between the first sample
 * that sees the cursor and the tip, over that time (the worker's start-up, ~1–3 s of migrations
 * and pg-boss, is reported apart). The worker's own 'chain watcher catching up' log lines (with
 * blocksPerSecond) are shown as progress. Payments are policy 1 confirmation, so each invoice is
 * SETTLED in the block that pays it. Also shown: the rate over the first and the last EDGE_BLOCKS
 * blocks. They differ because each block recounts the confirmations of every payment in the
 * blocks before it (refreshChainPayments, up to 1,000 blocks deep), and at the end there are
 * INVOICES of them rather than none.
 *
 * Checked afterwards: exactly INVOICES Payment rows, one per paying transaction, each at the
 * height it was mined in, for its invoice's amount, CONFIRMED, no (txid, output) twice, every
 * invoice SETTLED. A failed check is a MISS with the reason.
 *
 * Baseline, same run, same blocks: Kassa's UTXO backend client (createUtxoBackend with the same
 * URL) in a child process doing getBlockHash + getRawBlock for each block in order, nothing
 * else: no matching, no database. Run before and after Kassa; its rate is the two runs' blocks
 * over their summed time.
 */

const BLOCKS = 300;
const TXS_PER_BLOCK = 300;
const INVOICES = 50;
const SAMPLE_MS = 20;
/** Blocks at each end whose rates are shown apart. */
const EDGE_BLOCKS = 50;
const CATCH_UP_TIMEOUT_MS = 15 * 60_000;

interface Sample {
  at: number;
  height: number;
}

interface ExpectedPayment {
  invoice: BenchInvoice;
  txid: string;
  height: number;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const db = await chooseDatabase(ctx.log);
  if (!db.url)
    throw new Error(
      'watcher-catchup needs a Postgres server it can reach (DATABASE_URL or the local server)',
    );
  let chain: WatcherChain | undefined;
  let config: ReturnType<typeof writeChainsConfig> | undefined;
  let api: KassaChild | undefined;
  let worker: ChildServer | undefined;
  const client = new pg.Client({ connectionString: db.url, application_name: 'kassa-bench-sampler' });
  client.on('error', () => {});
  try {
    let began = Date.now();
    chain = await startWatcherChain();
    const { sim } = chain.btc;
    const startHeight = sim.height;
    ctx.log(
      `simulator: ${startHeight} blocks (120 initial, 1 fanning coins out for the filler: ${chain.filler.poolSize} coins), JSON-RPC at ${chain.btc.rpcUrl}, ${Date.now() - began} ms`,
    );
    config = writeChainsConfig({ url: chain.btc.rpcUrl, pollIntervalSeconds: 0.5, startHeight });

    ctx.log('starting a Kassa api process (KASSA_ROLE=api: watches nothing) to create the invoices');
    api = await startKassa({
      db,
      env: { KASSA_ROLE: 'api', KASSA_CHAINS_CONFIG: config.path, LOG_LEVEL: 'warn' },
      log: ctx.log,
      tag: 'kassa api',
    });
    await addBitcoinWallet(api.graphql);
    const invoices = await createBtcInvoices(
      api.graphql,
      INVOICES,
      `bench-catchup-${Date.now().toString(36)}`,
    );
    await api.stop();
    api = undefined;
    ctx.log(`${INVOICES} invoices of 20 EUR (${invoices[0].due} sat) created; api process stopped`);

    // The chain Kassa will catch up on.
    began = Date.now();
    const payAt = new Map<number, BenchInvoice>();
    invoices.forEach((invoice, i) => {
      payAt.set(1 + Math.floor(((i + 0.5) * BLOCKS) / INVOICES), invoice);
    });
    const expected: ExpectedPayment[] = [];
    for (let b = 1; b <= BLOCKS; b++) {
      chain.filler.fill(TXS_PER_BLOCK);
      const invoice = payAt.get(b);
      const txid = invoice ? await sim.pay(invoice.address, invoice.due) : undefined;
      await sim.mine(1);
      if (invoice && txid) expected.push({ invoice, txid, height: sim.height });
      if (b % 50 === 0)
        ctx.log(
          `mined ${b} / ${BLOCKS} blocks (${expected.length} invoice payments so far), ${Date.now() - began} ms`,
        );
    }
    const tip = sim.height;
    const blockBytes: number[] = [];
    const blockTxs: number[] = [];
    for (let h = startHeight + 1; h <= tip; h++) {
      const record = sim.blockAt(h)!;
      blockBytes.push(record.raw.length);
      blockTxs.push(record.txids.length);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const buildMs = Date.now() - began;
    ctx.log(
      `chain built in ${buildMs} ms: blocks ${startHeight + 1}..${tip}, ${Math.round(mean(blockTxs))} transactions and ${(mean(blockBytes) / 1000).toFixed(1)} KB per block on average, ${expected.length} paying invoices`,
    );

    const node = { kind: 'bitcoind' as const, url: chain.btc.rpcUrl };
    const baselineRuns: FetchRangeResult[] = [];
    const runBaseline = async (label: string) => {
      const result = await fetchRange(node, startHeight + 1, tip);
      baselineRuns.push(result);
      const sorted = Float64Array.from(result.perBlockMs).sort();
      ctx.log(
        `fetch-only (${label}): ${result.blocks} blocks in ${Math.round(result.ms)} ms = ${rate(result.blocks, result.ms)} blocks/s; per block p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms`,
      );
    };
    await runBaseline('before Kassa');

    // Kassa's worker catching up.
    await client.connect();
    if (await readCursor(client)) throw new Error('a chain cursor exists already: not a fresh database?');
    const samples: Sample[] = [];
    const logWindows: Array<{ height: number; behind: number; blocksPerSecond: number }> = [];
    let warnings = 0;
    const spawnedAt = performance.timeOrigin + performance.now();
    const load = machineLoad();
    ctx.log(`starting a Kassa worker process (KASSA_ROLE=worker, startHeight ${startHeight}, tip ${tip})`);
    worker = await startChildServer({
      script: new URL('./support/servers/kassa-worker.ts', import.meta.url).pathname,
      env: { ...process.env, ...db.env, KASSA_CHAINS_CONFIG: config.path, LOG_LEVEL: 'info' },
      onLog: (line) => {
        let entry: {
          msg?: string;
          level?: number;
          height?: number;
          behind?: number;
          blocksPerSecond?: number;
        };
        try {
          entry = JSON.parse(line);
        } catch {
          ctx.log(`  kassa worker: ${line}`);
          return;
        }
        if (entry.msg === 'chain watcher catching up' || entry.msg === 'chain watcher is at the tip') {
          logWindows.push({
            height: entry.height ?? Number.NaN,
            behind: entry.behind ?? Number.NaN,
            blocksPerSecond: entry.blocksPerSecond ?? Number.NaN,
          });
          ctx.log(
            `  kassa worker: ${entry.msg}: height ${entry.height}, ${entry.behind} behind, ${entry.blocksPerSecond} blocks/s`,
          );
        } else if ((entry.level ?? 0) >= 40) {
          warnings++;
          ctx.log(`  kassa worker: ${line}`);
        }
      },
    });
    const cpu0 = worker.cpuSeconds();
    let pgSnapshot: BackendCpuSnapshot | undefined;
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      const cursor = await readCursor(client);
      const at = performance.timeOrigin + performance.now();
      if (cursor) {
        if (samples.length === 0) {
          // The worker's connections are open by now; backends opened later are not counted.
          pgSnapshot = await backendCpu(client).snapshot((name) => name !== 'kassa-bench-sampler');
        }
        samples.push({ at, height: cursor.height });
        if (cursor.height >= tip) break;
      }
      if (Date.now() > deadline)
        throw new Error(
          `the watcher did not reach the tip ${tip} within ${CATCH_UP_TIMEOUT_MS / 1000} s (cursor ${cursor?.height})`,
        );
      await sleep(SAMPLE_MS);
    }
    const pgCpu = pgSnapshot?.secondsSince() ?? Number.NaN;
    const machine = load();
    const first = samples[0];
    const last = samples[samples.length - 1];
    const catchUpMs = last.at - first.at;
    const workerCpu = worker.cpuSeconds() - cpu0;
    const kassaRate = (last.height - first.height) / (catchUpMs / 1000);
    // The middle 80% of the blocks, away from the first pass's set-up and the last pass; and the
    // first and last EDGE_BLOCKS, which differ by how many earlier payments each block recounts.
    const span = tip - first.height;
    const steady = rateBetween(samples, first.height + span * 0.1, first.height + span * 0.9);
    const firstBlocks = rateBetween(samples, first.height, first.height + EDGE_BLOCKS);
    const lastBlocks = rateBetween(samples, tip - EDGE_BLOCKS, tip);
    ctx.log(
      `Kassa: cursor first seen at ${first.height} ${Math.round(first.at - spawnedAt)} ms after the worker was spawned; ` +
        `${last.height - first.height} blocks in ${Math.round(catchUpMs)} ms = ${kassaRate.toFixed(1)} blocks/s (middle 80%: ${steady.toFixed(1)}, first ${EDGE_BLOCKS}: ${firstBlocks.toFixed(1)}, last ${EDGE_BLOCKS}: ${lastBlocks.toFixed(1)} blocks/s); ` +
        `worker CPU ${workerCpu.toFixed(2)} s, Postgres backends ${pgCpu.toFixed(2)} s; ${describeLoad(machine)}`,
    );

    // What was recorded.
    const problems = await checkPayments(client, expected, invoices);
    ctx.log(
      problems.length === 0
        ? `checked: ${expected.length} payments recorded exactly once, at the heights they were mined, CONFIRMED; every invoice SETTLED`
        : `check FAILED: ${problems.join('; ')}`,
    );
    await worker.stop();
    worker = undefined;

    await runBaseline('after Kassa');
    const baselineBlocks = baselineRuns.reduce((a, r) => a + r.blocks, 0);
    const baselineMs = baselineRuns.reduce((a, r) => a + r.ms, 0);
    const baselineRate = baselineBlocks / (baselineMs / 1000);
    const blocks = last.height - first.height;

    return {
      measured: {
        label: `Kassa worker catching up ${BLOCKS} blocks of ~${TXS_PER_BLOCK} txs (${INVOICES} invoice payments)`,
        value: round1(kassaRate),
        unit: 'blocks/s',
        secondary: [
          { name: 'ms/block', value: round2(catchUpMs / blocks), unit: 'ms' },
          { name: 'middle 80%', value: round1(steady), unit: 'blocks/s' },
          { name: `first ${EDGE_BLOCKS}`, value: round1(firstBlocks), unit: 'blocks/s' },
          { name: `last ${EDGE_BLOCKS}`, value: round1(lastBlocks), unit: 'blocks/s' },
          { name: 'worker CPU', value: Math.round((workerCpu / (catchUpMs / 1000)) * 100), unit: '%' },
          { name: 'Postgres CPU', value: Math.round((pgCpu / (catchUpMs / 1000)) * 100), unit: '%' },
          { name: 'start-up', value: Math.round(first.at - spawnedAt), unit: 'ms' },
        ],
      },
      baseline: {
        label: 'fetch-only: the same backend client, getBlockHash + getRawBlock per block',
        value: round1(baselineRate),
        unit: 'blocks/s',
        secondary: [
          { name: 'ms/block', value: round2(baselineMs / baselineBlocks), unit: 'ms' },
          ...baselineRuns.map((r, i) => ({
            name: i === 0 ? 'before' : 'after',
            value: round1(r.blocks / (r.ms / 1000)),
            unit: 'blocks/s',
          })),
        ],
      },
      ratio: kassaRate / baselineRate,
      details: {
        problems,
        blocks: BLOCKS,
        startHeight,
        tip,
        fillerTransactionsPerBlock: TXS_PER_BLOCK,
        meanTransactionsPerBlock: mean(blockTxs),
        meanBlockBytes: Math.round(mean(blockBytes)),
        filler: chain.filler.stats,
        invoices: INVOICES,
        paymentHeights: expected.map((e) => e.height),
        chainBuildMs: buildMs,
        kassa: {
          firstSeenHeight: first.height,
          catchUpMs,
          blocksPerSecond: kassaRate,
          steadyBlocksPerSecond: steady,
          firstBlocksPerSecond: firstBlocks,
          lastBlocksPerSecond: lastBlocks,
          workerCpuSeconds: workerCpu,
          postgresBackendCpuSeconds: pgCpu,
          startupMs: first.at - spawnedAt,
          warnings,
          logWindows,
          machine,
        },
        baselineRuns: baselineRuns.map((r) => ({ blocks: r.blocks, bytes: r.bytes, ms: r.ms })),
        database: db.source,
      },
    };
  } finally {
    await worker?.stop().catch(() => {});
    await api?.stop().catch(() => {});
    await client.end().catch(() => {});
    await chain?.stop().catch(() => {});
    config?.remove();
    await db.release();
  }
}

/** Blocks/s between the first cursor samples at or past heights `from` and `to`. */
function rateBetween(samples: Sample[], from: number, to: number): number {
  const at = (height: number) => samples.find((s) => s.height >= height) ?? samples[samples.length - 1];
  const a = at(from);
  const b = at(to);
  return b.at > a.at ? (b.height - a.height) / ((b.at - a.at) / 1000) : Number.NaN;
}

async function checkPayments(
  client: pg.Client,
  expected: ExpectedPayment[],
  invoices: BenchInvoice[],
): Promise<string[]> {
  const problems: string[] = [];
  const rows = await readPayments(client);
  if (rows.length !== expected.length)
    problems.push(`${rows.length} payment rows for ${expected.length} payments`);
  const keys = new Set(rows.map((r) => `${r.txid}:${r.outputIndex}`));
  if (keys.size !== rows.length) problems.push(`${rows.length - keys.size} (txid, output) keys stored twice`);
  for (const e of expected) {
    const mine = rows.filter((r) => r.txid === e.txid);
    if (mine.length !== 1) {
      problems.push(`tx ${e.txid} (invoice ${e.invoice.id}) has ${mine.length} payment rows`);
      continue;
    }
    const [row] = mine;
    const wrong: string[] = [];
    if (row.invoiceId !== e.invoice.id) wrong.push(`invoice ${row.invoiceId}`);
    if (row.blockHeight !== e.height) wrong.push(`height ${row.blockHeight} (mined at ${e.height})`);
    if (row.amount !== String(e.invoice.due)) wrong.push(`amount ${row.amount}`);
    if (row.status !== 'CONFIRMED') wrong.push(`status ${row.status}`);
    if (wrong.length > 0) problems.push(`tx ${e.txid}: ${wrong.join(', ')}`);
  }
  const { rows: statuses } = await client.query<{ status: string; n: number }>(
    `SELECT status::text AS status, count(*)::int AS n FROM "Invoice" WHERE id = ANY($1) GROUP BY status`,
    [invoices.map((i) => i.id)],
  );
  const settled = statuses.find((s) => s.status === 'SETTLED')?.n ?? 0;
  if (settled !== invoices.length)
    problems.push(`${settled} of ${invoices.length} invoices SETTLED (${JSON.stringify(statuses)})`);
  return problems.slice(0, 10);
}

const rate = (blocks: number, ms: number) => (blocks / (ms / 1000)).toFixed(1);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

export const watcherCatchupBench: Benchmark = {
  name: 'watcher-catchup',
  description: `Bitcoin watcher catching up ${BLOCKS} blocks of ~${TXS_PER_BLOCK} txs on the simulator (worker process) vs fetch-only getBlockHash + getRawBlock, blocks/s`,
  target: {
    label: 'no SPEC target (issue "Chain watchers" asks for the figure); every payment recorded exactly once',
    misses: (r) => ((r.details?.problems as string[] | undefined) ?? []).map((p) => `check: ${p}`),
  },
  run,
};
