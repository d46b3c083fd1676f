import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU time of the Postgres backends serving one database, read from /proc: how much of a
 * request's cost is the database's rather than Node's. Only meaningful when Postgres runs on
 * this machine (the benchmarks' local server does); elsewhere every figure is NaN. Backends
 * that start after `snapshot()` are not counted, so take it once the pools are warm.
 */
export interface BackendCpu {
  /** Backends of the database whose application_name passes `include`. */
  snapshot(include: (applicationName: string) => boolean): Promise<BackendCpuSnapshot>;
}

export interface BackendCpuSnapshot {
  pids: number[];
  /** CPU seconds the snapshot's backends used since it was taken. */
  secondsSince(): number;
}

export function backendCpu(client: pg.Pool | pg.Client): BackendCpu {
  return {
    async snapshot(include) {
      const { rows } = await client.query<{ pid: number; application_name: string }>(
        `SELECT pid, application_name FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      const pids = rows.filter((r) => include(r.application_name)).map((r) => r.pid);
      const before = new Map(pids.map((pid) => [pid, cpuSecondsOf(pid)]));
      return {
        pids,
        secondsSince: () => {
          let total = 0;
          for (const [pid, start] of before) {
            const now = cpuSecondsOf(pid);
            // A backend that ended since counts for what it used before; its last slice is lost.
            if (!Number.isNaN(now)) total += now - start;
            else if (Number.isNaN(start)) return Number.NaN;
          }
          return total;
        },
      };
    },
  };
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
