import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A closed-loop HTTP load generator: `concurrency` clients, each sending its next request as
 * soon as the previous answer is fully read, over keep-alive connections. Closed loop means the
 * server sets the pace, so throughput is what the server sustains at that concurrency and the
 * latency is what a client waits; there is no queue building up on our side.
 */

export interface LoadOptions {
  /** Must point at this machine: a benchmark never sends load elsewhere. */
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** A response counts as an error unless its status is this. */
  expectStatus?: number;
  /** …and, when given, its body is exactly this (a cheap string compare per response). */
  expectBody?: string;
  /** One request slower than this fails the run rather than stalling it. */
  requestTimeoutMs?: number;
  /** Stop early after this many measured requests, so memory stays bounded whatever the speed. */
  maxRequests?: number;
  /** Called when the warm-up ends and the measurement starts. */
  onPhase?: (phase: 'warm-up' | 'measuring') => void;
}

export interface LoadResult {
  /** Requests started in the measurement window and answered. */
  requests: number;
  /** Responses with the wrong status or body, and failed requests, warm-up included: a server
   *  that fails while warming up is not one to measure either. */
  errors: number;
  firstError?: string;
  /** From the start of the window to the last measured answer. */
  elapsedMs: number;
  throughput: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** This process's CPU time over the window, as a share of one core: near 1 means the
   *  load generator, not the server, may be what limits throughput. */
  clientCpu: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  if (!LOOPBACK.has(target.hostname))
    throw new Error(`refusing to send load off this machine: ${options.url}`);
  const maxRequests = options.maxRequests ?? 2_000_000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string | number> = { ...options.headers };
  if (body) headers['content-length'] = body.length;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });

  const latencies = new Float64Array(maxRequests);
  let measured = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastAnswerAt = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  let stopAt = Number.POSITIVE_INFINITY;

  const recordError = (message: string) => {
    errors++;
    firstError ??= message;
  };

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const startedAt = performance.now();
      const req = request(
        {
          agent,
          host: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port,
          path: target.pathname + target.search,
          method: options.method ?? 'GET',
          headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => {
            recordError(error.message);
            resolve();
          });
          res.on('end', () => {
            const endedAt = performance.now();
            const status = res.statusCode ?? 0;
            if (status !== (options.expectStatus ?? 200)) {
              recordError(`status ${status}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
            } else if (options.expectBody !== undefined) {
              const text = Buffer.concat(chunks).toString();
              if (text !== options.expectBody) recordError(`unexpected body: ${text.slice(0, 200)}`);
            }
            if (startedAt >= measureFrom && startedAt < stopAt && measured < maxRequests) {
              latencies[measured++] = endedAt - startedAt;
              lastAnswerAt = endedAt;
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error) => {
        recordError(error.message);
        resolve();
      });
      req.end(body);
    });

  const client = async () => {
    while (performance.now() < stopAt && measured < maxRequests) await once();
  };

  // Warm-up and measurement use the same clients and connections: the phases differ only in
  // whether answers are recorded, so the measured window starts with warm connections.
  options.onPhase?.('warm-up');
  const clients = Array.from({ length: options.concurrency }, client);
  let cpuAtStart = process.cpuUsage();
  const phases = (async () => {
    await sleep(options.warmupMs);
    options.onPhase?.('measuring');
    cpuAtStart = process.cpuUsage();
    measureFrom = performance.now();
    stopAt = measureFrom + options.durationMs;
  })();
  // Until the warm-up ends stopAt is infinite, so the clients cannot finish before it.
  await phases;
  await Promise.all(clients);
  const cpu = process.cpuUsage(cpuAtStart);
  agent.destroy();

  // A server that answers nothing in the window has not been measured: say so rather than report 0.
  if (measured === 0 && errors === 0) recordError(`no answer in the ${options.durationMs} ms window`);
  const elapsedMs = lastAnswerAt > measureFrom ? lastAnswerAt - measureFrom : options.durationMs;
  const sorted = latencies.slice(0, measured).sort();
  return {
    requests: measured,
    errors,
    firstError,
    elapsedMs,
    throughput: measured / (elapsedMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
      mean: sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
    },
    clientCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
