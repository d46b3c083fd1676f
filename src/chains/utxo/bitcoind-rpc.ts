import { BackendConfigError } from './backend-config-error.ts';
import { requestNode, safeUrl } from './node-request.ts';
import { NodeUnavailableError } from './utxo-backend.ts';

/**
 * JSON-RPC 1.0 over HTTP the way bitcoin-cli speaks it to bitcoind, litecoind, BCHN and
 * dogecoind: POST, basic auth, `{"jsonrpc":"1.0","id","method","params"}`. In 1.0 mode the node
 * answers an RPC error with HTTP 500 (404 for an unknown method) and the error in the JSON body,
 * so the body is read before the status is judged.
 */

/** An error the node returned for one call: the node works but refused the request. */
export class BitcoindRpcError extends NodeUnavailableError {
  override name = 'BitcoindRpcError';
  readonly code: number;
  readonly method: string;

  constructor(method: string, code: number, message: string) {
    super(`bitcoind ${method}: ${message} (RPC error ${code})`);
    this.code = code;
    this.method = method;
  }
}

/** RPC_INVALID_ADDRESS_OR_KEY: no such transaction or block. */
export const RPC_NOT_FOUND = -5;
/** Errors that no retry cures: the node does not offer this call, or the request itself is wrong. */
const CONFIG_CODES = new Set([-32601, -32600, -32700]);

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** One answer of a batch: a result, or the error the node gave for that call. */
export type RpcOutcome = { result: unknown } | { error: BitcoindRpcError };

export interface BitcoindRpc {
  call(method: string, params: unknown[], signal?: AbortSignal): Promise<unknown>;
  /** Many calls in one HTTP request; answers in the order of `calls`. */
  batch(calls: readonly RpcCall[], signal?: AbortSignal): Promise<RpcOutcome[]>;
}

interface RpcReply {
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
  id?: unknown;
}

/**
 * @example
 * const rpc = createBitcoindRpc({ url: 'http://user:pass@127.0.0.1:8332/', timeoutMs: 10_000 });
 * const hash = await rpc.call('getblockhash', [0]);
 */
export function createBitcoindRpc(options: { url: string; timeoutMs: number }): BitcoindRpc {
  const parsed = new URL(options.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  // fetch refuses URLs that carry credentials; they travel in the header instead.
  const url = safeUrl(parsed);
  let nextId = 1;

  async function post(body: unknown, what: string, signal?: AbortSignal): Promise<unknown> {
    const label = `bitcoind ${what} at ${url}`;
    const init = { method: 'POST', headers, body: JSON.stringify(body) };
    return requestNode({ url, init, timeoutMs: options.timeoutMs, signal, label }, async (response) => {
      if (response.status === 401) {
        await response.body?.cancel();
        throw new BackendConfigError(
          `${label}: the node refused the credentials (HTTP 401); check user:password in the URL`,
        );
      }
      if (response.status === 403) {
        await response.body?.cancel();
        throw new BackendConfigError(
          `${label}: forbidden (HTTP 403); is this host in the node's rpcallowip?`,
        );
      }
      const text = await response.text();
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        reply = undefined;
      }
      if (reply !== null && typeof reply === 'object') return reply;
      const detail = `HTTP ${response.status}: ${text.slice(0, 200)}`;
      if (response.status >= 500 || response.status === 408 || response.status === 429 || response.ok)
        throw new NodeUnavailableError(`${label}: not a JSON-RPC answer (${detail})`);
      throw new BackendConfigError(`${label}: not a JSON-RPC endpoint (${detail})`);
    });
  }

  return {
    async call(method, params, signal) {
      const id = nextId++;
      const reply = (await post({ jsonrpc: '1.0', id, method, params }, method, signal)) as RpcReply;
      if (Array.isArray(reply))
        throw new NodeUnavailableError(`bitcoind ${method}: a list where one answer was due`);
      const error = rpcError(method, reply);
      if (error) throw error;
      if (!('result' in reply)) throw new NodeUnavailableError(`bitcoind ${method}: answer without a result`);
      return reply.result;
    },

    async batch(calls, signal) {
      if (calls.length === 0) return [];
      const firstId = nextId;
      nextId += calls.length;
      const body = calls.map((c, i) => ({
        jsonrpc: '1.0',
        id: firstId + i,
        method: c.method,
        params: c.params,
      }));
      const what = `batch of ${calls.length} ${calls[0].method}`;
      const replies = await post(body, what, signal);
      if (!Array.isArray(replies)) {
        // A node that refuses the whole batch answers with one error object.
        throw (
          rpcError(calls[0].method, replies as RpcReply) ??
          new NodeUnavailableError(`bitcoind ${what}: not a list of answers`)
        );
      }
      // Filled, not sparse: indexOf below must see the calls nobody answered.
      const outcomes = new Array<RpcOutcome | undefined>(calls.length).fill(undefined);
      for (const reply of replies as RpcReply[]) {
        const index = typeof reply?.id === 'number' ? reply.id - firstId : -1;
        if (index < 0 || index >= calls.length) continue;
        const error = rpcError(calls[index].method, reply);
        if (error instanceof BackendConfigError) throw error;
        outcomes[index] = error ? { error } : { result: reply.result };
      }
      const missing = outcomes.indexOf(undefined);
      if (missing >= 0) throw new NodeUnavailableError(`bitcoind ${what}: no answer for call ${missing}`);
      return outcomes as RpcOutcome[];
    },
  };
}

function rpcError(method: string, reply: RpcReply): BitcoindRpcError | BackendConfigError | undefined {
  const error = reply?.error;
  if (error === undefined || error === null) return undefined;
  const code = typeof error.code === 'number' ? error.code : 0;
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
  if (CONFIG_CODES.has(code)) {
    return new BackendConfigError(
      `bitcoind ${method}: ${message} (RPC error ${code}); does this node offer ${method}?`,
    );
  }
  return new BitcoindRpcError(method, code, message);
}
