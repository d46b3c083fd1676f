import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as a real receiver got it: the raw body bytes and every header. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Date.now() when the whole body had arrived. */
  at: number;
}

/** What the receiver answers; `delayMs` holds the answer back (a slow endpoint). */
export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
}

export type Responder = (request: Received) => Answer;

/**
 * A real HTTP receiver on 127.0.0.1 that records every request and answers as the test says.
 * `down()` closes it (connections refused) and `up()` listens again on the same port.
 */
export class Receiver {
  readonly received: Received[] = [];
  responder: Responder = () => ({ status: 200, body: 'ok' });
  port = 0;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #timers = new Set<NodeJS.Timeout>();
  /** Handles requests instead of the recorder (e.g. the docs' example handler). */
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  static async start(responder?: Responder): Promise<Receiver> {
    const receiver = new Receiver();
    if (responder) receiver.responder = responder;
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      if (this.handler) return this.handler(req, res);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.received.push(request);
        const answer = this.responder(request);
        const send = () => {
          if (!res.destroyed) res.writeHead(answer.status).end(answer.body ?? '');
        };
        if (!answer.delayMs) return send();
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          send();
        }, answer.delayMs);
        this.#timers.add(timer);
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and drops open connections: the next attempts find nobody. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests whose JSON body has this type. */
  ofType(type: string): Received[] {
    return this.received.filter((r) => JSON.parse(r.body).type === type);
  }

  eventIds(): Set<string> {
    return new Set(this.received.map((r) => JSON.parse(r.body).id as string));
  }
}
