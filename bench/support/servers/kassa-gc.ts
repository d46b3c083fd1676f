// Kassa's bench server (./kassa.ts, unchanged) plus one hook for memory benchmarks: on SIGUSR2
// it runs two full garbage collections (when started with NODE_OPTIONS=--expose-gc) and prints
// one JSON line {"gc": {...}} with its memory, so a benchmark reads RSS without the garbage
// that connection churn leaves behind. See bench/support/process-memory.ts.
import { reportMemoryOnSignal } from '../process-memory.ts';

reportMemoryOnSignal();
await import('./kassa.ts');
