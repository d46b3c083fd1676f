import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * How busy the whole machine was over a stretch of a benchmark: latency figures taken while
 * other work (a test run, a browser) holds the cores are not the code's, and the reader should
 * know. `start()` reads /proc/stat; the returned function reads it again and gives the share of
 * all cores' time that was not idle, the share stolen by the hypervisor, and the 1-minute load
 * average (NaN figures where /proc is not available).
 */
export interface MachineLoad {
  /** Non-idle share of all cores over the stretch (0..1). */
  busy: number;
  /** Time the hypervisor gave to other guests, share of all cores. */
  steal: number;
  loadAverage1m: number;
  cores: number;
}

export function machineLoad(): () => MachineLoad {
  const before = readStat();
  return () => {
    const after = readStat();
    const total = after.total - before.total;
    return {
      busy: total > 0 ? 1 - (after.idle - before.idle) / total : Number.NaN,
      steal: total > 0 ? (after.steal - before.steal) / total : Number.NaN,
      loadAverage1m: loadavg()[0],
      cores: cpus().length,
    };
  };
}

/** "busy 43%, steal 0%, load 1.2 on 2 cores" */
export function describeLoad(load: MachineLoad): string {
  return `machine: busy ${Math.round(load.busy * 100)}%, steal ${Math.round(load.steal * 100)}%, load average ${load.loadAverage1m.toFixed(1)} on ${load.cores} cores`;
}

function readStat(): { total: number; idle: number; steal: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, idle: f[3] + f[4], steal: f[7] ?? 0 };
  } catch {
    return { total: Number.NaN, idle: Number.NaN, steal: Number.NaN };
  }
}
