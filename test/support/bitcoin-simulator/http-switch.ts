import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A node:http server on 127.0.0.1 that tests can take down and bring back on the same port, to
 * exercise "node down and back" paths:
 * - `refuse`: the listener closes and open connections are cut: clients get ECONNREFUSED/reset;
 * - `503`: requests are answered 503 with `unavailableBody` (an overloaded node or a proxy);
 * - `hang`: requests are accepted and never answered, until the server comes back (timeouts).
 */
export type DownMode = 'refuse' | '503' | 'hang';

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export class SwitchableHttpServer {
  /** HTTP requests received (including those answered 503 or left hanging). */
  requestCount = 0;
  readonly #handler: Handler;
  readonly #unavailableBody: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #port = 0;
  #down: DownMode | undefined;
  #listening = false;

  constructor(handler: Handler, unavailableBody = 'Service Unavailable') {
    this.#handler = handler;
    this.#unavailableBody = unavailableBody;
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on an ephemeral port; returns the base URL (no trailing slash). */
  async start(): Promise<string> {
    await this.#listen(0);
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get down(): DownMode | undefined {
    return this.#down;
  }

  async setDown(down: boolean, mode: DownMode = 'refuse'): Promise<void> {
    if (!down) {
      this.#down = undefined;
      // Held requests die with their connections, as if the node had restarted.
      for (const res of this.#hanging) res.socket?.destroy();
      this.#hanging.clear();
      if (!this.#listening) await this.#listen(this.#port);
      return;
    }
    this.#down = mode;
    if (mode === 'refuse' && this.#listening) await this.#close();
  }

  async stop(): Promise<void> {
    this.#down = undefined;
    for (const res of this.#hanging) res.socket?.destroy();
    this.#hanging.clear();
    if (this.#listening) await this.#close();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.requestCount++;
    if (this.#down === 'hang') {
      this.#hanging.add(res);
      req.resume();
      return;
    }
    if (this.#down === '503') {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end(this.#unavailableBody);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Promise.resolve(this.#handler(req, Buffer.concat(chunks), res)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#listening = true;
        resolve();
      });
    });
  }

  #close(): Promise<void> {
    return new Promise((resolve) => {
      this.#listening = false;
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
