import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/**
 * One graphql-ws subscription on a socket of its own, speaking the `graphql-transport-ws`
 * protocol directly (connection_init → connection_ack → subscribe → next…), so that thousands
 * of them fit in one load-generating process: the graphql-ws client library keeps retry,
 * lazy-connect and multiplexing state per client that a benchmark does not need. The server
 * side is Kassa's unchanged graphql-ws server, which refuses anything off-protocol.
 *
 * Times are `performance.timeOrigin + performance.now()`: milliseconds since the epoch with
 * sub-millisecond resolution, comparable between processes of this machine.
 */

export const now = (): number => performance.timeOrigin + performance.now();

export interface LiteSubscriptionOptions {
  url: string;
  connectionParams?: Record<string, unknown>;
  query: string;
  variables?: Record<string, unknown>;
  /** Every `next` payload after the first, with its arrival time (taken before parsing). */
  onNext?: (payload: unknown, arrivedAt: number, text: string) => void;
  /** The socket closed or the server sent `error`/`complete` after the subscription was open. */
  onEnd?: (reason: string) => void;
  /** The first `next` must come within this (default 30 s). */
  timeoutMs?: number;
}

export interface LiteSubscription {
  /** The first `next` payload (the current state, for Kassa's subscriptions) and its raw text. */
  first: Promise<{ payload: unknown; text: string }>;
  close(): void;
}

export function subscribeLite(options: LiteSubscriptionOptions): LiteSubscription {
  const socket = new WebSocket(options.url, 'graphql-transport-ws', { perMessageDeflate: false });
  let state: 'opening' | 'open' | 'ended' = 'opening';
  let settle!: { resolve: (v: { payload: unknown; text: string }) => void; reject: (e: Error) => void };
  const first = new Promise<{ payload: unknown; text: string }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  first.catch(() => {}); // closed before opening: only an awaiting caller cares
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => end(`no first result within ${timeoutMs} ms`), timeoutMs);
  const end = (reason: string) => {
    clearTimeout(timer);
    if (state === 'opening') settle.reject(new Error(reason));
    else if (state === 'open') options.onEnd?.(reason);
    state = 'ended';
    socket.terminate();
  };

  socket.on('open', () => {
    socket.send(JSON.stringify({ type: 'connection_init', payload: options.connectionParams ?? {} }));
  });
  socket.on('message', (data: Buffer) => {
    const arrivedAt = now();
    if (state === 'ended') return;
    const text = data.toString();
    const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
    switch (message.type) {
      case 'connection_ack':
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: options.query, variables: options.variables ?? {} },
          }),
        );
        return;
      case 'ping':
        socket.send(JSON.stringify({ type: 'pong' }));
        return;
      case 'pong':
        return;
      case 'next':
        if (message.id !== '1') return end(`next for unknown id ${message.id}`);
        if (state === 'opening') {
          state = 'open';
          clearTimeout(timer);
          settle.resolve({ payload: message.payload, text });
        } else {
          options.onNext?.(message.payload, arrivedAt, text);
        }
        return;
      case 'error':
        return end(`error: ${JSON.stringify(message.payload)}`);
      case 'complete':
        return end('the server completed the subscription');
      default:
        return end(`unexpected message ${text.slice(0, 200)}`);
    }
  });
  socket.on('error', (error) => end(error.message));
  socket.on('close', (code, reason) => {
    if (state !== 'ended') end(`closed ${code} ${reason.toString()}`);
  });

  return {
    first,
    close() {
      if (state === 'ended') return;
      clearTimeout(timer);
      if (state === 'opening') settle.reject(new Error('closed by the client'));
      state = 'ended';
      socket.close(1000);
    },
  };
}
