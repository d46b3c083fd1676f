import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs bench/support/utxo-fetch-only-process.ts: the watcher benchmarks' baseline, Kassa's UTXO
 * backend client fetching blocks with no matching and no database work, in a process of its own
 * like the watcher it is compared with (the simulator serving both stays in the bench process).
 */
const SCRIPT = new URL('./utxo-fetch-only-process.ts', import.meta.url).pathname;

export interface FetchRangeResult {
  blocks: number;
  bytes: number;
  ms: number;
  /** getBlockHash + getRawBlock time of each block, in order. */
  perBlockMs: number[];
}

export interface PolledBlock {
  height: number;
  hash: string;
  bytes: number;
  /** Epoch ms (performance.timeOrigin + performance.now()) when the poller had the block's bytes. */
  at: number;
}

interface NodeTarget {
  kind: 'bitcoind' | 'esplora';
  url: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function start(job: Record<string, unknown>, onLine: (line: Record<string, unknown>) => void) {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => onLine(JSON.parse(line)));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stderr: () => stderr };
}

/** getBlockHash + getRawBlock for `from`..`to`, sequentially, in a child process. */
export async function fetchRange(node: NodeTarget, from: number, to: number): Promise<FetchRangeResult> {
  let result: FetchRangeResult | undefined;
  const run = start({ mode: 'range', ...node, from, to }, (line) => {
    result = line as unknown as FetchRangeResult;
  });
  const code = await run.exited;
  if (code !== 0 || !result) throw new Error(`fetch-only process exited with ${code}: ${run.stderr()}`);
  return result;
}

/**
 * A fetch-only poller in a child process from height `from` on: getTip every `intervalMs`, and
 * each new block's hash and bytes, reported through `onBlock` as they arrive.
 */
export async function startFetchPoller(
  node: NodeTarget,
  from: number,
  intervalMs: number,
  onBlock: (block: PolledBlock) => void,
): Promise<{ stop(): Promise<void> }> {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const run = start({ mode: 'poll', ...node, from, intervalMs }, (line) => {
    if (line.ready) ready();
    else onBlock(line as unknown as PolledBlock);
  });
  await Promise.race([
    isReady,
    run.exited.then((code) => {
      throw new Error(`fetch-only poller exited with ${code}: ${run.stderr()}`);
    }),
  ]);
  return {
    async stop() {
      if (run.child.exitCode !== null) return;
      run.child.kill('SIGTERM');
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 5_000);
      await run.exited;
      clearTimeout(timer);
    },
  };
}
