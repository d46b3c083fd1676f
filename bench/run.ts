// `npm run bench [-- name ...]`: runs the named benchmarks (all by default), prints progress as
// they go and a table at the end, and writes bench/results/latest.json. Exits 0 when targets
// are missed (benchmarks report; tests assert) and 1 when a benchmark crashes or a name is unknown.
import { performance } from 'node:perf_hooks';
import { benchmarks } from './benchmarks.ts';
import { formatTable, type Outcome, writeResults } from './support/report.ts';

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
    );
    return 1;
  }
  const selected = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
  const startedAt = new Date();
  const outcomes: Outcome[] = [];

  for (const bench of selected) {
    console.log(`\n▶ ${bench.name}: ${bench.description}`);
    const log = (message: string) => console.log(`[${bench.name}] ${message}`);
    const began = performance.now();
    const base = { name: bench.name, description: bench.description, target: bench.target.label };
    try {
      const result = await bench.run({ log });
      const misses = bench.target.misses(result);
      const seconds = (performance.now() - began) / 1000;
      outcomes.push({
        ...base,
        status: misses.length === 0 ? 'PASS' : 'MISS',
        notes: misses,
        seconds,
        result,
      });
    } catch (error) {
      const seconds = (performance.now() - began) / 1000;
      console.error(`[${bench.name}] crashed:`, error);
      outcomes.push({
        ...base,
        status: 'CRASH',
        notes: [String((error as Error)?.message ?? error)],
        seconds,
      });
    }
  }

  console.log(`\n${formatTable(outcomes)}`);
  console.log(`\nresults written to ${await writeResults(outcomes, startedAt)}`);
  return outcomes.some((o) => o.status === 'CRASH') ? 1 : 0;
}

// Interrupted: exit through process.exit so the 'exit' hook kills the child servers (a database
// this run created is dropped by the next run, which sees that its pid is gone).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping`);
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a crashed benchmark may leave a handle (a socket, a timer) open.
    process.exit(code);
  },
  (error: unknown) => {
    console.error('bench: failed:', error);
    process.exit(1);
  },
);
