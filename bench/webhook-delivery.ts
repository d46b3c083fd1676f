import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/app/create-store.ts';
import { connectDatabase } from '../src/db/client.ts';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import { chooseDatabase } from './support/database.ts';
import { type JsonPoster, jsonPoster } from './support/json-poster.ts';
import { percentile } from './support/load.ts';
import { allOf, secondaryAtMost } from './support/targets.ts';
import { startWebhookProducer, type WebhookProducer } from './support/webhook-producer.ts';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink.ts';
import type { BenchContext, Benchmark, BenchResult } from './types.ts';

/**
 * SPEC: webhook deliveries to a local 200-OK sink ≥ 500/s; first attempt p99 ≤ 1 s after commit.
 *
 * Kassa: its full server in a child process (worker included) with private addresses allowed,
 * delivering to a node:http sink in this process that answers `ok` at once. Events are
 * committed from this process exactly as use cases commit them (enqueueWebhookEvents in a
 * transaction, delivery jobs sent in it), one event per transaction.
 *
 * 1. Latency: 100 events/s for 10 s (open loop, on a schedule) to a store with one endpoint;
 *    commit → arrival at the sink, both read on this process's clock.
 * 2. Throughput: a burst of 500 events committed by 8 concurrent producers to a store with 8
 *    endpoints (4,000 deliveries): deliveries per second from the first commit to the last
 *    arrival. Each endpoint may have 8 attempts in flight, so 8 endpoints can use all 32
 *    delivery slots of the process.
 *
 * Baseline: the same number of signed POSTs of a body of the same size straight from this
 * process to the sink, over keep-alive connections, 32 at a time: what the sink and node:http
 * take on this machine without Kassa in between.
 */

const CHAINS_CONFIG = new URL('../test/fixtures/chains.test.json', import.meta.url).pathname;
const ENDPOINTS = 8;
const BURST_EVENTS = 500;
const PRODUCERS = 8;
const RATE_PER_SECOND = 100;
const LATENCY_SECONDS = 10;
const BASELINE_CONCURRENCY = 32;

const CREATE_ENDPOINT = `mutation Create($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } secret }
}`;

async function run(ctx: BenchContext): Promise<BenchResult> {
  const db = await chooseDatabase(ctx.log);
  if (!db.url)
    throw new Error('webhook-delivery needs a Postgres server it can reach (its producer writes there)');
  let sink: WebhookSink | undefined;
  let server: ChildServer | undefined;
  let api: JsonPoster | undefined;
  let producer: WebhookProducer | undefined;
  try {
    sink = await startWebhookSink();
    server = await startChildServer({
      script: new URL('./support/servers/kassa.ts', import.meta.url).pathname,
      env: {
        ...process.env,
        ...db.env,
        KASSA_CHAINS_CONFIG: CHAINS_CONFIG,
        KASSA_WEBHOOK_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      onLog: (line) => ctx.log(`kassa: ${line.slice(0, 300)}`),
    });
    ctx.log(`Kassa listens on port ${server.port}; sink at ${sink.url}`);

    // Kassa has migrated the database: stores straight through the use case, as `kassa create-store`.
    const seed = connectDatabase(db.url, 1);
    const burstStore = await createStore(seed.prisma, { name: 'webhook bench (8 endpoints)' });
    const latencyStore = await createStore(seed.prisma, { name: 'webhook bench (1 endpoint)' });
    await seed.close();
    const endpoint = async (key: string, path: string) => {
      api = jsonPoster(`http://127.0.0.1:${server!.port}/graphql`, {
        headers: { authorization: `Bearer ${key}` },
        maxSockets: 1,
      });
      const { status, text } = await api.post(
        JSON.stringify({
          query: CREATE_ENDPOINT,
          variables: { input: { url: `${sink!.url}${path}`, events: ['*'] } },
        }),
      );
      api.close();
      if (status !== 200 || text.includes('"errors"'))
        throw new Error(`createWebhookEndpoint: ${status} ${text}`);
    };
    for (let i = 0; i < ENDPOINTS; i++) await endpoint(burstStore.apiKey.secret, `/burst-${i}`);
    await endpoint(latencyStore.apiKey.secret, '/latency');

    producer = await startWebhookProducer(db.url, PRODUCERS);
    let seq = 0;
    // Warm-up: connections, prepared plans, JIT.
    const warm = await Promise.all(
      Array.from({ length: 50 }, () => producer!.commit(latencyStore.store.id, seq++)),
    );
    await arrivals(sink, warm.length, 30_000);
    ctx.log(`warm-up: ${warm.length} events delivered`);

    const latency = await measureLatency(ctx, producer, sink, latencyStore.store.id, () => seq++);
    const burst = await measureBurst(ctx, producer, sink, burstStore.store.id, () => seq++);
    const baseline = await measureBaseline(sink.url, burst.deliveries);
    ctx.log(`baseline: ${Math.round(baseline)} signed POSTs/s straight to the sink`);
    if (sink.malformed > 0)
      throw new Error(`the sink got ${sink.malformed} requests that were no signed Kassa event`);

    const check = connectDatabase(db.url, 1);
    const { rows } = await check.pool.query(
      `SELECT status::text, "attemptCount", count(*)::int AS n FROM "WebhookDelivery" GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    await check.close();
    ctx.log(`deliveries in the database: ${JSON.stringify(rows)}`);

    return {
      measured: {
        label: `Kassa webhook deliveries (${ENDPOINTS} endpoints, one sink)`,
        value: Math.round(burst.throughput),
        unit: 'deliveries/s',
        secondary: [
          { name: 'first attempt p50', value: round(latency.p50), unit: 'ms' },
          { name: 'first attempt p95', value: round(latency.p95), unit: 'ms' },
          { name: 'first attempt p99', value: round(latency.p99), unit: 'ms' },
          { name: 'first attempt max', value: round(latency.max), unit: 'ms' },
          { name: 'burst commits', value: Math.round(burst.commitsPerSecond), unit: 'events/s' },
        ],
      },
      baseline: {
        label: `signed POSTs straight to the sink, ${BASELINE_CONCURRENCY} at a time`,
        value: Math.round(baseline),
        unit: 'requests/s',
      },
      ratio: burst.throughput / baseline,
      details: { latency, burst, database: rows, endpoints: ENDPOINTS, rate: RATE_PER_SECOND },
    };
  } finally {
    await producer?.close().catch(() => {});
    api?.close();
    await server?.stop();
    await sink?.close();
    await db.release();
  }
}

/** Open loop: event k is committed at start + k / rate, whatever the earlier ones are doing. */
async function measureLatency(
  ctx: BenchContext,
  producer: WebhookProducer,
  sink: WebhookSink,
  storeId: string,
  next: () => number,
) {
  const total = RATE_PER_SECOND * LATENCY_SECONDS;
  const committedAt = new Map<number, number>();
  const start = performance.now() + 100;
  const before = sink.arrivals.length;
  const commits: Array<Promise<void>> = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const seq = next();
    commits.push(producer.commit(storeId, seq).then((at) => void committedAt.set(seq, at)));
  }
  await Promise.all(commits);
  await arrivals(sink, before + total, 60_000);
  const latencies = Float64Array.from(
    sink.arrivals.slice(before).map((a) => a.at - committedAt.get(a.seq)!),
  ).sort();
  const result = {
    events: total,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1],
  };
  ctx.log(
    `latency at ${RATE_PER_SECOND} events/s: commit → first attempt p50 ${ms(result.p50)}, p95 ${ms(result.p95)}, p99 ${ms(result.p99)}, max ${ms(result.max)}`,
  );
  return result;
}

async function measureBurst(
  ctx: BenchContext,
  producer: WebhookProducer,
  sink: WebhookSink,
  storeId: string,
  next: () => number,
) {
  const before = sink.arrivals.length;
  const deliveries = BURST_EVENTS * ENDPOINTS;
  let left = BURST_EVENTS;
  const startedAt = performance.now();
  let committedAt = startedAt;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (left-- > 0) committedAt = Math.max(committedAt, await producer.commit(storeId, next()));
    }),
  );
  await arrivals(sink, before + deliveries, 180_000);
  const lastAt = sink.arrivals[sink.arrivals.length - 1].at;
  const result = {
    events: BURST_EVENTS,
    deliveries,
    commitsPerSecond: BURST_EVENTS / ((committedAt - startedAt) / 1000),
    seconds: (lastAt - startedAt) / 1000,
    throughput: deliveries / ((lastAt - startedAt) / 1000),
  };
  ctx.log(
    `burst: ${BURST_EVENTS} events committed in ${((committedAt - startedAt) / 1000).toFixed(2)} s; ${deliveries} deliveries in ${result.seconds.toFixed(2)} s: ${Math.round(result.throughput)} deliveries/s`,
  );
  return result;
}

/** Signed POSTs of an event-sized body, `BASELINE_CONCURRENCY` at a time, straight to the sink. */
async function measureBaseline(sinkUrl: string, count: number): Promise<number> {
  const target = new URL(`${sinkUrl}/baseline`);
  const agent = new Agent({ keepAlive: true, maxSockets: BASELINE_CONCURRENCY });
  let sent = 0;
  const post = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({
        id: crypto.randomUUID(),
        type: 'invoice.created',
        createdAt: new Date().toISOString(),
        storeId: crypto.randomUUID(),
        data: { invoiceId: `baseline-${seq}`, benchSeq: -1 - seq },
      });
      const t = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', 'kassa_whsec_baseline').update(`${t}.${body}`).digest('hex');
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'kassa-signature': `t=${t},v1=${signature}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`sink ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      while (sent < count) await post(sent++);
    }),
  );
  agent.destroy();
  return count / ((performance.now() - startedAt) / 1000);
}

async function arrivals(sink: WebhookSink, count: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (sink.arrivals.length < count) {
    if (performance.now() > deadline)
      throw new Error(`only ${sink.arrivals.length} of ${count} deliveries arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export const webhookDeliveryBench: Benchmark = {
  name: 'webhook-delivery',
  description: 'webhook deliveries/s to a local 200-OK sink, and commit → first attempt latency',
  target: allOf(
    '≥ 500 deliveries/s; first attempt p99 ≤ 1 s after commit',
    (r) => (r.measured.value >= 500 ? [] : [`${r.measured.value} deliveries/s < 500`]),
    secondaryAtMost('first attempt p99', 1000),
  ),
  run,
};
