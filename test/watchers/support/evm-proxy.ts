import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a node, on a port of its own, that can go down and come back: down
 * closes the listening socket (new connections are refused, ECONNREFUSED) and cuts every open
 * one (keep-alive sockets of the HTTP client too); up listens on the same port again.
 */
export interface TcpProxy {
  url: string;
  port: number;
  /** Refuse connections and cut open ones. */
  down(): Promise<void>;
  /** Accept and forward again, on the same port. */
  up(): Promise<void>;
  /** Connections accepted so far (to tell that the client came back). */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `target` (host:port of an HTTP node). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;

  const listen = async (port: number) => {
    const s = createServer((downstream) => {
      accepted++;
      const upstream = createConnection(target);
      open.add(downstream).add(upstream);
      const cut = () => {
        downstream.destroy();
        upstream.destroy();
        open.delete(downstream);
        open.delete(upstream);
      };
      downstream.on('error', cut).on('close', cut);
      upstream.on('error', cut).on('close', cut);
      downstream.pipe(upstream).pipe(downstream);
    });
    s.listen(port, '127.0.0.1');
    await once(s, 'listening');
    server = s;
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
    return address.port;
  };

  const stopListening = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = once(s, 'close');
    s.close();
    for (const socket of open) socket.destroy();
    open.clear();
    await closed;
  };

  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    down: stopListening,
    async up() {
      if (!server) await listen(port);
    },
    close: stopListening,
  };
}
