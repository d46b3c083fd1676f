/**
 * The contract between bench/run.ts and each benchmark module. A benchmark measures Kassa and a
 * baseline in the same run, because absolute numbers on a shared 2-core machine mean little;
 * the ratio between two things measured side by side is what the SPEC's targets are written in.
 */

/** One measured number plus the secondary numbers worth seeing next to it (e.g. latency). */
export interface Figure {
  /** What was measured, e.g. "Kassa { __typename }". */
  label: string;
  /** The headline number that the ratio compares. */
  value: number;
  unit: string;
  /** Shown in the table and kept in the JSON, e.g. p50/p95/p99 latency, CPU use. */
  secondary?: Array<{ name: string; value: number; unit: string }>;
}

export interface BenchResult {
  measured: Figure;
  baseline: Figure;
  /** measured / baseline, in whichever direction the target is written. */
  ratio: number;
  /** Anything else worth keeping in bench/results/latest.json (every round, settings…). */
  details?: Record<string, unknown>;
}

export interface Target {
  /** As written in the SPEC, e.g. "≥ 75% of bare yoga". */
  label: string;
  /** Why the result misses the target; empty when it is met. */
  misses(result: BenchResult): string[];
}

export interface BenchContext {
  /** Progress line, printed at once with the benchmark's name in front. */
  log(message: string): void;
}

export interface Benchmark {
  /** Short, kebab-case; selects the benchmark on the command line. */
  name: string;
  description: string;
  target: Target;
  run(ctx: BenchContext): Promise<BenchResult>;
}
