import { type ChildServer, startChildServer } from './support/child-server.ts';
import { chooseDatabase } from './support/database.ts';
import { type LoadResult, runLoad } from './support/load.ts';
import { ratioAtLeast } from './support/targets.ts';
import type { BenchContext, Benchmark, Figure } from './types.ts';

/**
 * SPEC: Kassa's full server answering a GraphQL query that does no database work reaches
 * ≥ 75% of the throughput of bare graphql-yoga (SDL `type Query { hello: String }`, `{ hello }`,
 * `createServer(yoga)`), same concurrency and duration, measured in the same run.
 *
 * The two servers take turns (baseline, Kassa, baseline, Kassa) and the better round of each
 * counts: on a 2-core machine a single round can lose a fair share to a neighbour, and the
 * best round is the closest to what the server can do.
 */

const CONCURRENCY = 16;
const WARMUP_MS = 1_000;
const DURATION_MS = 5_000;
const ROUNDS = 2;

const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

interface Side {
  key: 'baseline' | 'kassa';
  label: string;
  script: string;
  query: string;
  /** The exact answer, checked before measuring and on every measured response. */
  expectedData: unknown;
  env?: NodeJS.ProcessEnv;
}

interface Round extends LoadResult {
  side: Side['key'];
  /** The server process's CPU time over the round, as a share of one core. */
  serverCpu: number;
  /** Server CPU time per answered request: steadier than req/s on a noisy machine, since time
   *  the VM loses to neighbours lowers throughput but not the work each request costs. */
  serverCpuPerRequestUs: number;
}

const script = (file: string) => new URL(`./support/servers/${file}`, import.meta.url).pathname;

async function run(ctx: BenchContext) {
  const db = await chooseDatabase(ctx.log);
  const sides: Side[] = [
    {
      key: 'baseline',
      label: 'bare yoga { hello }',
      script: script('bare-yoga.ts'),
      query: '{ hello }',
      expectedData: { hello: 'world' },
    },
    {
      key: 'kassa',
      label: 'Kassa { __typename }',
      script: script('kassa.ts'),
      query: '{ __typename }',
      expectedData: { __typename: 'Query' },
      env: { ...process.env, ...db.env },
    },
  ];
  const servers = new Map<Side['key'], ChildServer>();
  try {
    for (const side of sides) {
      ctx.log(`starting ${side.label} in a child process`);
      const server = await startChildServer({
        script: side.script,
        env: side.env,
        onLog: (line) => ctx.log(`  ${side.key} server: ${line}`),
      });
      servers.set(side.key, server);
      ctx.log(`${side.label} listens on port ${server.port} (pid ${server.pid})`);
    }

    const bodies = new Map<Side['key'], string>();
    for (const side of sides) {
      bodies.set(side.key, await verify(servers.get(side.key)!.port, side));
      ctx.log(`verified ${side.label}: 200 ${bodies.get(side.key)}`);
    }

    const rounds: Round[] = [];
    const order = Array.from({ length: ROUNDS }, () => sides).flat();
    for (const [i, side] of order.entries()) {
      const server = servers.get(side.key)!;
      const tag = `round ${i + 1}/${order.length} ${side.label}`;
      let cpuAtMeasureStart = Number.NaN;
      const result = await runLoad({
        url: `http://127.0.0.1:${server.port}/graphql`,
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ query: side.query }),
        concurrency: CONCURRENCY,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
        expectStatus: 200,
        expectBody: bodies.get(side.key),
        onPhase: (phase) => {
          if (phase === 'measuring') cpuAtMeasureStart = server.cpuSeconds();
          ctx.log(
            `${tag}: ${phase === 'warm-up' ? `warm-up ${WARMUP_MS / 1000} s` : `measuring ${DURATION_MS / 1000} s`} at ${CONCURRENCY} clients`,
          );
        },
      });
      if (result.errors > 0) {
        throw new Error(`${tag}: ${result.errors} failed responses, first: ${result.firstError}`);
      }
      const serverCpuSeconds = server.cpuSeconds() - cpuAtMeasureStart;
      const serverCpu = serverCpuSeconds / (result.elapsedMs / 1000);
      const serverCpuPerRequestUs = (serverCpuSeconds / result.requests) * 1e6;
      rounds.push({ ...result, side: side.key, serverCpu, serverCpuPerRequestUs });
      ctx.log(
        `${tag}: ${Math.round(result.throughput)} req/s, p50 ${ms(result.latencyMs.p50)} p99 ${ms(result.latencyMs.p99)}, server CPU ${pct(serverCpu)} (${Math.round(serverCpuPerRequestUs)} µs/req), load generator CPU ${pct(result.clientCpu)}`,
      );
    }

    const best = (key: Side['key']) =>
      rounds.filter((r) => r.side === key).reduce((a, b) => (b.throughput > a.throughput ? b : a));
    const kassa = best('kassa');
    const baseline = best('baseline');
    for (const r of [kassa, baseline]) {
      // A load generator near a full core may be what limits the faster side: say so.
      if (r.clientCpu > 0.9)
        ctx.log(`warning: the load generator used ${pct(r.clientCpu)} of a core on ${r.side}`);
    }
    return {
      measured: figure(sides[1].label, kassa),
      baseline: figure(sides[0].label, baseline),
      ratio: kassa.throughput / baseline.throughput,
      details: {
        concurrency: CONCURRENCY,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
        database: db.source,
        rounds,
      },
    };
  } finally {
    for (const server of servers.values()) await server.stop();
    await db.release();
  }
}

/** One request outside the measurement: a benchmark that measures errors is worthless. */
async function verify(port: number, side: Side): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ query: side.query }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${side.label}: status ${response.status}: ${text}`);
  const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (parsed.errors || JSON.stringify(parsed.data) !== JSON.stringify(side.expectedData)) {
    throw new Error(`${side.label}: expected data ${JSON.stringify(side.expectedData)}, got ${text}`);
  }
  return text;
}

function figure(label: string, r: Round): Figure {
  return {
    label,
    value: Math.round(r.throughput),
    unit: 'req/s',
    secondary: [
      { name: 'p50', value: round2(r.latencyMs.p50), unit: 'ms' },
      { name: 'p95', value: round2(r.latencyMs.p95), unit: 'ms' },
      { name: 'p99', value: round2(r.latencyMs.p99), unit: 'ms' },
      { name: 'server CPU', value: Math.round(r.serverCpu * 100), unit: '%' },
      { name: 'server CPU/req', value: Math.round(r.serverCpuPerRequestUs), unit: 'µs' },
    ],
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const pct = (n: number) => `${Math.round(n * 100)}%`;

export const graphqlOverhead: Benchmark = {
  name: 'graphql-overhead',
  description: `Kassa vs bare graphql-yoga, a query with no DB work, ${CONCURRENCY} clients, best of ${ROUNDS} × ${DURATION_MS / 1000} s each`,
  target: ratioAtLeast(0.75, '≥ 75% of bare yoga req/s'),
  run,
};
