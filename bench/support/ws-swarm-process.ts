// One load-generating process of a WsSwarm (bench/support/ws-swarm.ts): holds thousands of
// WebSocket connections to a server under test and reports when each received a broadcast.
// Driven over the IPC channel by its parent; exits when the parent goes away.
import WebSocket from 'ws';
import { now, subscribeLite } from './graphql-ws-lite.ts';
import type { SwarmReply, SwarmRequest } from './ws-swarm.ts';

interface Connection {
  close(): void;
  /** Arrival time of the first message after `arm`; NaN until then. */
  arrivedAt: number;
  /** That message was not the expected one. */
  wrong: boolean;
  /** Why the connection ended, if it did while it should have stayed open. */
  ended?: string;
}

let connections: Connection[] = [];
let expect: string | undefined;
let firstWrong: string | undefined;
let waitingForAll: (() => void) | undefined;
let pendingArrivals = 0;

function arrived(conn: Connection, at: number, matches: boolean, text: string) {
  if (expect === undefined || !Number.isNaN(conn.arrivedAt)) return;
  conn.arrivedAt = at;
  if (!matches) {
    conn.wrong = true;
    firstWrong ??= text.slice(0, 300);
  }
  if (--pendingArrivals === 0) waitingForAll?.();
}

async function openGraphqlWs(request: Extract<SwarmRequest, { op: 'open' }>): Promise<Connection> {
  const conn: Connection = { close: () => {}, arrivedAt: Number.NaN, wrong: false };
  const sub = subscribeLite({
    url: request.url,
    connectionParams: request.connectionParams,
    query: request.query!,
    variables: request.variables,
    onNext: (payload, at, text) => arrived(conn, at, JSON.stringify(payload) === expect, text),
    onEnd: (reason) => {
      conn.ended = reason;
    },
  });
  conn.close = sub.close;
  const first = await sub.first;
  if (JSON.stringify(first.payload) !== request.expectFirst) {
    sub.close();
    throw new Error(`first result ${first.text.slice(0, 300)} is not ${request.expectFirst}`);
  }
  return conn;
}

function openBare(request: Extract<SwarmRequest, { op: 'open' }>): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(request.url, { perMessageDeflate: false });
    const conn: Connection = {
      close: () => {
        socket.removeAllListeners('close');
        socket.on('error', () => {});
        socket.close(1000);
      },
      arrivedAt: Number.NaN,
      wrong: false,
    };
    let open = false;
    socket.on('message', (data: Buffer) => {
      const at = now();
      const text = data.toString();
      if (!open) {
        open = true;
        if (text !== request.expectFirst) {
          conn.close();
          reject(new Error(`first message ${text.slice(0, 300)} is not ${request.expectFirst}`));
        } else resolve(conn);
        return;
      }
      arrived(conn, at, text === expect, text);
    });
    socket.on('error', (error) => {
      if (!open) reject(error);
      else conn.ended = error.message;
    });
    socket.on('close', (code) => {
      if (!open) reject(new Error(`closed ${code} before its first message`));
      else conn.ended ??= `closed ${code}`;
    });
  });
}

async function open(request: Extract<SwarmRequest, { op: 'open' }>) {
  const started = now();
  let next = 0;
  let failure: Error | undefined;
  let lastProgress = started;
  const opened: Connection[] = [];
  const worker = async () => {
    while (next < request.count && failure === undefined) {
      next++;
      try {
        opened.push(await (request.mode === 'graphql-ws' ? openGraphqlWs(request) : openBare(request)));
      } catch (error) {
        failure ??= error as Error;
      }
      if (now() - lastProgress > 1_000) {
        lastProgress = now();
        reply({ progress: opened.length });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.count) }, worker));
  connections.push(...opened);
  if (failure) throw failure;
  return { opened: opened.length, ms: now() - started };
}

function arm(message: string) {
  expect = message;
  firstWrong = undefined;
  pendingArrivals = connections.length;
  for (const conn of connections) {
    conn.arrivedAt = Number.NaN;
    conn.wrong = false;
  }
}

async function collect(timeoutMs: number) {
  if (pendingArrivals > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      waitingForAll = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    waitingForAll = undefined;
  }
  expect = undefined;
  const arrivals = connections.map((c) => c.arrivedAt).filter((t) => !Number.isNaN(t));
  return {
    arrivals,
    missing: connections.length - arrivals.length,
    wrong: connections.filter((c) => c.wrong).length,
    firstWrong,
    ended: connections.filter((c) => c.ended !== undefined).length,
    firstEnded: connections.find((c) => c.ended !== undefined)?.ended,
  };
}

async function closeAll() {
  const closing = connections;
  connections = [];
  for (const conn of closing) conn.close();
  return { closed: closing.length };
}

function reply(message: SwarmReply) {
  process.send?.(message);
}

process.on('message', (request: SwarmRequest) => {
  const handle = async () => {
    switch (request.op) {
      case 'open':
        return open(request);
      case 'arm':
        arm(request.expect);
        return { armed: connections.length };
      case 'collect':
        return collect(request.timeoutMs);
      case 'close':
        return closeAll();
    }
  };
  handle().then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: Error) => reply({ id: request.id, ok: false, error: error.message }),
  );
});
process.on('disconnect', () => process.exit(0));
