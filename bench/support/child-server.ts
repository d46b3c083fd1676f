import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A server under test in a process of its own, so the load generator never shares its event
 * loop (or its garbage collector) with the server it measures. The child prints one JSON line
 * `{"port": n}` on stdout once it listens (other lines are logs), and stops cleanly on SIGTERM.
 */
export interface ChildServer {
  port: number;
  pid: number;
  /** CPU seconds the child has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A crashing or interrupted bench run must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startChildServer(options: {
  /** The server script, a .ts file run by Node's type stripping. */
  script: string;
  env?: NodeJS.ProcessEnv;
  /** Each log line of the child (stderr, and stdout other than the port line), for the progress output. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}): Promise<ChildServer> {
  // BENCH_CPU_PROF=1 profiles the servers: .cpuprofile files land in bench/results/profiles.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', new URL('../results/profiles', import.meta.url).pathname]
    : [];
  const child = spawn(process.execPath, [...profile, options.script], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => running.delete(child));
  createInterface({ input: child.stderr! }).on('line', (line) => options.onLog?.(line));

  const timeoutMs = options.startTimeoutMs ?? 180_000;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.script} did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // Servers may log on stdout too (Kassa's pino does): the first line that is exactly
    // {"port": n} is the signal; every other line is a log line.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const port = portIn(line);
      if (port === undefined) return options.onLog?.(line);
      clearTimeout(timer);
      resolve(port);
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited with code ${code} before listening`));
    });
  }).catch(async (error: Error) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  return {
    port,
    pid: child.pid!,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function portIn(line: string): number | undefined {
  try {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 1) {
      const { port } = parsed as { port?: unknown };
      if (typeof port === 'number') return port;
    }
  } catch {}
  return undefined;
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it start past its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
