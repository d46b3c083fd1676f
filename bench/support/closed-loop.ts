import { performance } from 'node:perf_hooks';
import { type LoadResult, percentile } from './load.ts';

/**
 * A closed loop of `concurrency` clients around any async operation (an HTTP request whose body
 * changes every time, a raw `pg` transaction…): each client starts its next operation as soon
 * as the previous one settles. It has the same phases and the same figures as runLoad (a
 * warm-up whose answers are not recorded, then a measured window), so two sides measured with
 * it, one over HTTP and one over a pg pool, are measured the same way.
 *
 * An operation that throws stops every client and fails the run: a benchmark never measures
 * errors.
 */
export interface ClosedLoopOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One operation; `seq` counts from 0 over all clients and both phases. */
  operation: (seq: number) => Promise<void>;
  /** Called when the warm-up ends and the measurement starts. */
  onPhase?: (phase: 'warm-up' | 'measuring') => void;
  /** Called about every second of the measured window with the operations answered so far. */
  onProgress?: (answered: number, elapsedMs: number) => void;
  /** Stop early after this many measured operations, so memory stays bounded. */
  maxOperations?: number;
}

export class ClosedLoopError extends Error {
  override name = 'ClosedLoopError';
  readonly seq: number;
  constructor(seq: number, cause: unknown) {
    super(`operation ${seq} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.seq = seq;
  }
}

export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const maxOperations = options.maxOperations ?? 2_000_000;
  const latencies = new Float64Array(maxOperations);
  let measured = 0;
  let seq = 0;
  let lastAnswerAt = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  let stopAt = Number.POSITIVE_INFINITY;
  let failure: ClosedLoopError | undefined;

  const client = async () => {
    while (failure === undefined && performance.now() < stopAt && measured < maxOperations) {
      const mine = seq++;
      const startedAt = performance.now();
      try {
        await options.operation(mine);
      } catch (error) {
        failure ??= new ClosedLoopError(mine, error);
        stopAt = Number.NEGATIVE_INFINITY;
        return;
      }
      const endedAt = performance.now();
      if (startedAt >= measureFrom && startedAt < stopAt && measured < maxOperations) {
        latencies[measured++] = endedAt - startedAt;
        lastAnswerAt = endedAt;
      }
    }
  };

  options.onPhase?.('warm-up');
  const clients = Promise.all(Array.from({ length: options.concurrency }, client));
  let cpuAtStart = process.cpuUsage();
  let ticker: NodeJS.Timeout | undefined;
  // Until the warm-up ends stopAt is infinite, so the clients cannot finish before it (unless
  // an operation fails, which ends the warm-up early too).
  await Promise.race([sleep(options.warmupMs), clients]);
  if (failure === undefined) {
    options.onPhase?.('measuring');
    cpuAtStart = process.cpuUsage();
    measureFrom = performance.now();
    stopAt = measureFrom + options.durationMs;
    if (options.onProgress) {
      ticker = setInterval(() => options.onProgress?.(measured, performance.now() - measureFrom), 1_000);
    }
  }
  await clients;
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpuAtStart);
  if (failure) throw failure;

  if (measured === 0) throw new Error(`no operation answered in the ${options.durationMs} ms window`);
  const elapsedMs = lastAnswerAt > measureFrom ? lastAnswerAt - measureFrom : options.durationMs;
  const sorted = latencies.slice(0, measured).sort();
  return {
    requests: measured,
    errors: 0,
    elapsedMs,
    throughput: measured / (elapsedMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1],
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    },
    clientCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
