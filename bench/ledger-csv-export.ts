import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { journalReport } from '../src/http/reports/journal-report.ts';
import { fillJournal, prepareLedgerWorld, SERVER_ENV } from './ledger-fixture.ts';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import type { BenchContext, Benchmark } from './types.ts';

/**
 * Issue "Journal and ledger": CSV export rows/s, in constant memory for a million rows.
 *
 * Kassa: GET /reports/journal.csv from its full server in a child process, a journal of
 * 1,000,000 lines (the whole store), read by a client as fast as it can; the server's resident
 * memory is sampled every 50 ms, and its V8 heap is capped (96 MB old space, 8 MB semi-spaces:
 * without a cap V8 lets the heap grow with garbage because it can, which says nothing about
 * what the export keeps). Baseline: the very same query through a raw `pg` server-side
 * cursor in this process, rows fetched and dropped (no formatting, no HTTP).
 * Target: the server's memory grows by at most 64 MB over the export (constant memory).
 */

const LINES = 1_000_000;
const FETCH_ROWS = 2_000;
const RSS_GROWTH_LIMIT_MB = 64;
/** The server's V8 old-space cap during the export. */
const HEAP_CAP_MB = 96;

async function run(ctx: BenchContext) {
  const world = await prepareLedgerWorld(ctx);
  let server: ChildServer | undefined;
  const pool = new pg.Pool({ connectionString: world.url, max: 1, application_name: 'kassa-bench-baseline' });
  pool.on('error', () => {});
  try {
    const { payments } = await fillJournal(ctx, world, LINES);
    const lines = payments * 6;
    server = await startChildServer({
      script: new URL('./support/servers/kassa.ts', import.meta.url).pathname,
      // A capped heap turns "constant memory" into a pass/fail fact: an export that kept its rows
      // would die of OOM here; one that streams lets V8 collect as it goes instead of growing.
      env: {
        ...process.env,
        ...world.db.env,
        ...SERVER_ENV,
        NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB} --max-semi-space-size=8`,
      },
      onLog: (line) => ctx.log(`server: ${line}`),
    });
    const pid = server.pid;
    const url = `http://127.0.0.1:${server.port}/reports/journal.csv`;

    ctx.log(`Kassa: exporting ${lines} journal lines as CSV`);
    const rssBefore = rssMb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(pid));
    }, 50);
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${world.ledgerKey}` } });
    if (response.status !== 200)
      throw new Error(`export answered ${response.status}: ${await response.text()}`);
    let bytes = 0;
    let records = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) records++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMb(pid));
    // Newlines inside quoted fields would be counted too; this journal has none (checked: header + lines).
    if (records !== lines + 1) throw new Error(`the export had ${records - 1} rows, expected ${lines}`);
    const kassaRate = lines / seconds;
    ctx.log(
      `Kassa: ${lines} rows in ${seconds.toFixed(1)} s (${Math.round(kassaRate)} rows/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s), RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MB`,
    );

    ctx.log('baseline: the same query through a raw pg cursor, rows dropped');
    const query = journalReport({
      storeId: world.storeId,
      params: { from: new Date(0), to: new Date('9999-12-31'), asOf: new Date(), asset: null, userId: null },
      decimalsOf: () => 8,
    });
    const client = await pool.connect();
    let baseRows = 0;
    const baseStarted = performance.now();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE bench NO SCROLL CURSOR FOR ${query.sql}`, [...query.params]);
      for (;;) {
        const { rowCount } = await client.query(`FETCH ${FETCH_ROWS} FROM bench`);
        if (!rowCount) break;
        baseRows += rowCount;
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const baseSeconds = (performance.now() - baseStarted) / 1000;
    if (baseRows !== lines) throw new Error(`the baseline read ${baseRows} rows`);
    const baseRate = baseRows / baseSeconds;
    ctx.log(`baseline: ${baseRows} rows in ${baseSeconds.toFixed(1)} s (${Math.round(baseRate)} rows/s)`);

    return {
      measured: {
        label: `Kassa /reports/journal.csv (${lines.toLocaleString('en')} rows)`,
        value: Math.round(kassaRate),
        unit: 'rows/s',
        secondary: [
          { name: 'RSS growth', value: Math.round(rssPeak - rssBefore), unit: 'MB' },
          { name: 'heap cap', value: HEAP_CAP_MB, unit: 'MB' },
          { name: 'throughput', value: Math.round((bytes / 1e6 / seconds) * 10) / 10, unit: 'MB/s' },
          { name: 'time', value: Math.round(seconds * 10) / 10, unit: 's' },
        ],
      },
      baseline: { label: 'raw pg cursor, same query, no CSV', value: Math.round(baseRate), unit: 'rows/s' },
      ratio: kassaRate / baseRate,
      details: {
        lines,
        bytes,
        seconds,
        rssBeforeMb: rssBefore,
        rssPeakMb: rssPeak,
        baselineSeconds: baseSeconds,
      },
    };
  } finally {
    await server?.stop();
    await pool.end();
    await world.release();
  }
}

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export const ledgerCsvExportBench: Benchmark = {
  name: 'ledger-csv-export',
  description: `journal CSV export of ${LINES.toLocaleString('en')} lines over HTTP (rows/s, server memory) vs a raw pg cursor`,
  target: {
    label: `server memory grows ≤ ${RSS_GROWTH_LIMIT_MB} MB (constant memory); rows/s reported`,
    misses: (r) => {
      const growth = r.measured.secondary?.find((s) => s.name === 'RSS growth')?.value ?? Number.NaN;
      return growth <= RSS_GROWTH_LIMIT_MB ? [] : [`RSS grew ${growth} MB > ${RSS_GROWTH_LIMIT_MB} MB`];
    },
  },
  run,
};
