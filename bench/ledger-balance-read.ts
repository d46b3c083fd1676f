import pg from 'pg';
import { fillJournal, prepareLedgerWorld, SERVER_ENV } from './ledger-fixture.ts';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { type LoadResult, runLoad } from './support/load.ts';
import type { BenchContext, Benchmark, Figure } from './types.ts';

/**
 * Issue "Journal and ledger": a user's balance read with 1,000,000 journal lines in the
 * database, p99. Kassa: its full server in a child process answering `ledgerBalances` over HTTP
 * to the user's own token (auth, GraphQL, one indexed read of the kept balance). Baseline: what
 * the kept balances spare, computing the same balance from the journal with raw `pg`
 * (sum of the user's lines per part). Both from one client. Target: p99 ≤ 20 ms.
 */

const LINES = 1_000_000;
// One client: the p99 of a read, not of a queue on a 2-core machine shared with the client.
const CONCURRENCY = 1;
const WARMUP_MS = 1_000;
const DURATION_MS = 5_000;
const P99_TARGET_MS = 20;

const QUERY = '{ ledgerBalances { asset pending confirmed total } }';

async function run(ctx: BenchContext) {
  const world = await prepareLedgerWorld(ctx);
  let server: ChildServer | undefined;
  const pool = new pg.Pool({
    connectionString: world.url,
    max: CONCURRENCY,
    application_name: 'kassa-bench-baseline',
  });
  pool.on('error', () => {});
  try {
    const { payments, total } = await fillJournal(ctx, world, LINES);
    ctx.log(`journal filled: ${payments} deposits, ${payments * 6} lines; the user is owed ${total} sat`);
    server = await startChildServer({
      script: new URL('./support/servers/kassa.ts', import.meta.url).pathname,
      env: { ...process.env, ...world.db.env, ...SERVER_ENV },
      onLog: (line) => ctx.log(`server: ${line}`),
    });
    const url = `http://127.0.0.1:${server.port}/graphql`;
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${world.userToken}`,
    };
    const body = JSON.stringify({ query: QUERY });
    const expected = JSON.stringify({
      data: {
        ledgerBalances: [{ asset: 'BTC', pending: '0', confirmed: String(total), total: String(total) }],
      },
    });
    const check = await fetch(url, { method: 'POST', headers, body }).then((r) => r.text());
    if (check !== expected) throw new Error(`unexpected answer ${check}, expected ${expected}`);
    ctx.log(`verified: ${check}`);

    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM "LedgerAccount" WHERE "userId" = $1 AND code = 'USER_BALANCE'`,
      [world.userId],
    );
    const accountId = rows[0].id;
    const sum = await pool.query<{ confirmed: string }>(SUM_SQL, [accountId]);
    if (BigInt(sum.rows[0].confirmed) !== -total)
      throw new Error(`the journal sums to ${sum.rows[0].confirmed}`);

    ctx.log(`Kassa: ledgerBalances over HTTP, ${CONCURRENCY} clients, ${DURATION_MS / 1000} s`);
    const kassa = await runLoad({
      url,
      method: 'POST',
      headers,
      body,
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      expectStatus: 200,
      expectBody: expected,
    });
    if (kassa.errors > 0) throw new Error(`Kassa answered ${kassa.errors} errors: ${kassa.firstError}`);
    ctx.log(`Kassa: ${kassa.throughput.toFixed(0)} reads/s, p99 ${kassa.latencyMs.p99.toFixed(2)} ms`);

    ctx.log(`baseline: summing the user's ${payments * 3} lines with raw pg, ${CONCURRENCY} clients`);
    const baseline = await runClosedLoop({
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      operation: async () => {
        await pool.query(SUM_SQL, [accountId]);
      },
    });
    ctx.log(
      `baseline: ${baseline.throughput.toFixed(1)} sums/s, p99 ${baseline.latencyMs.p99.toFixed(1)} ms`,
    );

    const row = await runClosedLoop({
      concurrency: CONCURRENCY,
      warmupMs: 300,
      durationMs: 2_000,
      operation: async () => {
        await pool.query(KEPT_SQL, [world.userId]);
      },
    });
    return {
      measured: figure(`Kassa ledgerBalances (user token, ${LINES.toLocaleString('en')} lines)`, kassa, [
        { name: 'raw pg read of the kept balance p99', value: round(row.latencyMs.p99), unit: 'ms' },
      ]),
      baseline: figure('raw pg: sum the user’s journal lines', baseline),
      ratio: kassa.latencyMs.p99 / baseline.latencyMs.p99,
      details: { lines: payments * 6, userLines: payments * 3, kassa, baseline, balanceRowRead: row },
    };
  } finally {
    await server?.stop();
    await pool.end();
    await world.release();
  }
}

/** The kept balance as Kassa reads it: the account's slots (at most 16 rows). */
const KEPT_SQL = `SELECT a.id, sum(b.pending) AS pending, sum(b.confirmed) AS confirmed
  FROM "LedgerAccount" a JOIN "LedgerBalanceSlot" b ON b."accountId" = a.id WHERE a."userId" = $1 GROUP BY a.id`;

const SUM_SQL = `SELECT COALESCE(sum(amount) FILTER (WHERE part = 'PENDING'), 0)::text AS pending,
  COALESCE(sum(amount) FILTER (WHERE part = 'CONFIRMED'), 0)::text AS confirmed
  FROM "JournalLine" WHERE "accountId" = $1`;

function figure(label: string, r: LoadResult, extra: Figure['secondary'] = []): Figure {
  return {
    label,
    value: round(r.latencyMs.p99),
    unit: 'ms p99',
    secondary: [
      { name: 'p50', value: round(r.latencyMs.p50), unit: 'ms' },
      { name: 'throughput', value: Math.round(r.throughput), unit: 'req/s' },
      ...extra,
    ],
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

export const ledgerBalanceReadBench: Benchmark = {
  name: 'ledger-balance-read',
  description: `a user's balance over GraphQL with ${LINES.toLocaleString('en')} journal lines (p99) vs summing the journal with raw pg`,
  target: {
    label: `p99 ≤ ${P99_TARGET_MS} ms`,
    misses: (r) =>
      r.measured.value <= P99_TARGET_MS ? [] : [`p99 ${r.measured.value} ms > ${P99_TARGET_MS} ms`],
  },
  run,
};
