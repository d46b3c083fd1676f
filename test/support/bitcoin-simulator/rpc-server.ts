import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChainState } from './chain-state.ts';
import { type DownMode, SwitchableHttpServer } from './http-switch.ts';
import { stringifyRpc } from './rpc-json.ts';
import { callRpcMethod, RpcError } from './rpc-methods.ts';

/**
 * Bitcoin Core's JSON-RPC endpoint over the simulator (POST /), as bitcoind ≥ 28 speaks it:
 * - JSON-RPC 1.0-style requests get `{result, error, id}`; an error answers HTTP 500, or 404 for
 *   an unknown method and 400 for an invalid request (what clients of older nodes rely on);
 * - `"jsonrpc": "2.0"` requests get strict 2.0 replies (result xor error) with HTTP 200, and
 *   notifications (no id) 204;
 * - batches (arrays) always answer 200 with one reply per request;
 * - optional HTTP basic auth (401 + WWW-Authenticate when wrong), 405 for anything but POST;
 * - when down in '503' mode, the body is Core's own overload answer, "Work queue depth exceeded".
 */
export interface RpcServerOptions {
  /** Require HTTP basic auth with these credentials (like rpcuser/rpcpassword). */
  auth?: { user: string; password: string };
}

interface Reply {
  status: number;
  body: Record<string, unknown> | undefined;
}

export class BitcoinRpcServer {
  /** How many times each RPC method was called (batch members count one each). */
  readonly calls = new Map<string, number>();
  readonly #sim: ChainState;
  readonly #http: SwitchableHttpServer;
  readonly #expectedAuth: string | undefined;

  constructor(sim: ChainState, options: RpcServerOptions = {}) {
    this.#sim = sim;
    const { auth } = options;
    this.#expectedAuth = auth
      ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
      : undefined;
    this.#http = new SwitchableHttpServer(
      (req, body, res) => this.#handle(req, body, res),
      'Work queue depth exceeded',
    );
  }

  start(): Promise<string> {
    return this.#http.start();
  }

  get url(): string {
    return this.#http.url;
  }

  /** HTTP requests received, whatever their outcome. */
  get requestCount(): number {
    return this.#http.requestCount;
  }

  setDown(down: boolean, mode: DownMode = 'refuse'): Promise<void> {
    return this.#http.setDown(down, mode);
  }

  stop(): Promise<void> {
    return this.#http.stop();
  }

  #handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/html' }).end('JSONRPC server handles only POST requests');
      return;
    }
    if (this.#expectedAuth && req.headers.authorization !== this.#expectedAuth) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="jsonrpc"' }).end();
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      this.#send(res, 500, { result: null, error: { code: -32700, message: 'Parse error' }, id: null });
      return;
    }
    if (Array.isArray(request)) {
      const replies = request.map((r) => this.#execute(r).body).filter((r) => r !== undefined);
      this.#send(res, 200, replies);
      return;
    }
    if (!request || typeof request !== 'object') {
      this.#send(res, 500, {
        result: null,
        error: { code: -32700, message: 'Top-level object parse error' },
        id: null,
      });
      return;
    }
    const reply = this.#execute(request);
    if (reply.body === undefined) res.writeHead(204).end();
    else this.#send(res, reply.status, reply.body);
  }

  #execute(request: unknown): Reply {
    const r = (request && typeof request === 'object' ? request : {}) as Record<string, unknown>;
    const v2 = r.jsonrpc === '2.0';
    const id = r.id ?? null;
    const respond = (result: unknown, error: { code: number; message: string } | null): Reply => {
      if (v2) {
        if (!('id' in r)) return { status: 204, body: undefined };
        return { status: 200, body: error ? { jsonrpc: '2.0', error, id } : { jsonrpc: '2.0', result, id } };
      }
      const status = !error ? 200 : error.code === -32601 ? 404 : error.code === -32600 ? 400 : 500;
      return { status, body: { result: error ? null : result, error, id } };
    };
    if (typeof r.method !== 'string')
      return respond(null, { code: -32600, message: 'Method must be a string' });
    if (r.params !== undefined && r.params !== null && typeof r.params !== 'object') {
      return respond(null, { code: -32600, message: 'Params must be an array or object' });
    }
    this.calls.set(r.method, (this.calls.get(r.method) ?? 0) + 1);
    try {
      return respond(callRpcMethod(this.#sim, r.method, r.params), null);
    } catch (error) {
      if (error instanceof RpcError) return respond(null, { code: error.code, message: error.message });
      return respond(null, { code: -1, message: error instanceof Error ? error.message : String(error) });
    }
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(`${stringifyRpc(body)}\n`);
  }
}
