import { readFileSync } from 'node:fs';

/**
 * Memory of a child server, for benchmarks that count bytes per connection. The child calls
 * `reportMemoryOnSignal()` first thing (bench/support/servers/kassa-gc.ts, bare-ws.ts) and is
 * started with NODE_OPTIONS=--expose-gc; the parent feeds the child's log lines to a
 * `MemoryProbe` and calls `measure()`, which sends SIGUSR2, waits for the child's report (two
 * full collections done) and reads the child's VmRSS from /proc/<pid>/status itself.
 */

export interface HeapReport {
  /** The child's own view, bytes, after the collections. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** false when the child was started without --expose-gc: nothing was collected. */
  collected: boolean;
}

export interface MemorySample extends HeapReport {
  /** VmRSS of /proc/<pid>/status, bytes, read by the parent just after the report. */
  vmRss: number;
}

/** In the child: on SIGUSR2, collect garbage and print {"gc": HeapReport} on stdout. */
export function reportMemoryOnSignal(): void {
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: (options?: unknown) => void }).gc;
    // Twice: the first pass may leave finalizers (closed sockets' handles) to the next.
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const report: HeapReport = {
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      collected: gc !== undefined,
    };
    process.stdout.write(`${JSON.stringify({ gc: report })}\n`);
  });
}

/** In the parent: pass every log line of the child through `line()`; it swallows the reports. */
export class MemoryProbe {
  #waiting: Array<(report: HeapReport) => void> = [];

  /** true when the line was a memory report (and should not be logged). */
  line(line: string): boolean {
    if (!line.startsWith('{"gc":')) return false;
    let report: HeapReport;
    try {
      report = (JSON.parse(line) as { gc: HeapReport }).gc;
    } catch {
      return false;
    }
    for (const resolve of this.#waiting.splice(0)) resolve(report);
    return true;
  }

  async measure(pid: number, timeoutMs = 10_000): Promise<MemorySample> {
    const report = new Promise<HeapReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pid ${pid} sent no memory report`)), timeoutMs);
      this.#waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    process.kill(pid, 'SIGUSR2');
    const heap = await report;
    return { ...heap, vmRss: vmRssBytes(pid) };
  }
}

/** VmRSS of a process, bytes (NaN when unreadable). */
export function vmRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** The soft and hard "Max open files" of a process (`ulimit -n`), from /proc/<pid>/limits. */
export function openFileLimits(pid: number | 'self' = 'self'): { soft: number; hard: number } {
  try {
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
    const parse = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
    return { soft: parse(match?.[1]), hard: parse(match?.[2]) };
  } catch {
    return { soft: Number.NaN, hard: Number.NaN };
  }
}
