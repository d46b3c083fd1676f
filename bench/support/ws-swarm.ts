import { type ChildProcess, fork } from 'node:child_process';

/**
 * Thousands of WebSocket clients spread over a few child processes, so that a server's
 * per-connection memory is measured without the clients' (they live elsewhere), no single
 * process needs 10,000 file descriptors, and the clients' CPU is spread over cores.
 *
 * Each connection is either a graphql-ws subscription (bench/support/graphql-ws-lite.ts) or a
 * bare WebSocket (baseline); either counts as open once its first message came and matched.
 * `arm(expected)` then `collect()` records when every connection received its next message
 * (absolute times in ms, see graphql-ws-lite's `now`) and whether it was the expected one.
 */

export type SwarmRequest = { id: number } & (
  | {
      op: 'open';
      mode: 'graphql-ws' | 'bare';
      url: string;
      count: number;
      /** Handshakes in flight at once, per process. */
      concurrency: number;
      connectionParams?: Record<string, unknown>;
      query?: string;
      variables?: Record<string, unknown>;
      /** graphql-ws: JSON of the first `next` payload; bare: the first message's text. */
      expectFirst: string;
    }
  | { op: 'arm'; expect: string }
  | { op: 'collect'; timeoutMs: number }
  | { op: 'close' }
);

export type SwarmReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { progress: number };

type OpenSpec = Omit<Extract<SwarmRequest, { op: 'open' }>, 'id' | 'op' | 'count'>;

export interface Collected {
  /** Arrival times of every connection that received a message, ascending. */
  arrivals: Float64Array;
  missing: number;
  wrong: number;
  firstWrong?: string;
  /** Connections that ended while they should have stayed open. */
  ended: number;
  firstEnded?: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const SCRIPT = new URL('./ws-swarm-process.ts', import.meta.url).pathname;

export class WsSwarm {
  readonly #children: ChildProcess[];
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #progress: number[];
  #nextId = 1;

  private constructor(children: ChildProcess[]) {
    this.#children = children;
    this.#progress = children.map(() => 0);
    children.forEach((child, i) => {
      child.on('message', (reply: SwarmReply) => {
        if ('progress' in reply) {
          this.#progress[i] = reply.progress;
          return;
        }
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        if (reply.ok) pending?.resolve(reply.result);
        else pending?.reject(new Error(`client process ${child.pid}: ${reply.error}`));
      });
      child.once('exit', (code, signal) => {
        running.delete(child);
        for (const [id, pending] of this.#pending) {
          this.#pending.delete(id);
          pending.reject(new Error(`client process ${child.pid} exited (${code ?? signal})`));
        }
      });
    });
  }

  static start(processes: number): WsSwarm {
    const children = Array.from({ length: processes }, () => {
      const child = fork(SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
      running.add(child);
      return child;
    });
    return new WsSwarm(children);
  }

  get pids(): number[] {
    return this.#children.map((c) => c.pid!);
  }

  #ask<T>(child: ChildProcess, request: Omit<SwarmRequest, 'id'>): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });
  }

  #all<T>(request: (i: number) => Omit<SwarmRequest, 'id'>): Promise<T[]> {
    return Promise.all(this.#children.map((child, i) => this.#ask<T>(child, request(i))));
  }

  /** Opens `count` connections, split evenly; `onProgress` about every 2 s with the total open. */
  async open(spec: OpenSpec, count: number, onProgress?: (open: number) => void): Promise<{ ms: number }> {
    const n = this.#children.length;
    this.#progress.fill(0);
    const ticker = onProgress
      ? setInterval(() => onProgress(this.#progress.reduce((a, b) => a + b, 0)), 2_000)
      : undefined;
    const started = performance.now();
    try {
      await this.#all((i) => ({
        op: 'open',
        ...spec,
        count: Math.floor(count / n) + (i < count % n ? 1 : 0),
      }));
    } finally {
      clearInterval(ticker);
    }
    return { ms: performance.now() - started };
  }

  async arm(expect: string): Promise<void> {
    await this.#all(() => ({ op: 'arm', expect }));
  }

  async collect(timeoutMs: number): Promise<Collected> {
    const parts = await this.#all<Omit<Collected, 'arrivals'> & { arrivals: number[] }>(() => ({
      op: 'collect',
      timeoutMs,
    }));
    const arrivals = Float64Array.from(parts.flatMap((p) => p.arrivals)).sort();
    return {
      arrivals,
      missing: sum(parts.map((p) => p.missing)),
      wrong: sum(parts.map((p) => p.wrong)),
      firstWrong: parts.find((p) => p.firstWrong)?.firstWrong,
      ended: sum(parts.map((p) => p.ended)),
      firstEnded: parts.find((p) => p.firstEnded)?.firstEnded,
    };
  }

  async closeAll(): Promise<void> {
    await this.#all(() => ({ op: 'close' }));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            if (child.connected) child.disconnect();
            else child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
