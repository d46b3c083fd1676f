import type { IncomingMessage, ServerResponse } from 'node:http';
import { networks } from 'bitcoinjs-lib';
import { TxRejected } from './acceptance.ts';
import { toOutputScript } from './addresses.ts';
import { isId, toHex } from './bytes.ts';
import type { ChainState } from './chain-state.ts';
import { blockJson, blockStatusJson, statusJson, txJson } from './esplora-json.ts';
import { type DownMode, SwitchableHttpServer } from './http-switch.ts';

/**
 * Esplora's REST API over the simulator, routed and worded like electrs' rest.rs: plain-text
 * bodies for heights, hashes and errors ("Block not found", "Transaction not found", "Invalid
 * hash string", `endpoint does not exist "/x"`), binary for /raw, JSON elsewhere. Served at the
 * root (blockstream.info and mempool.space put the same routes under /api).
 */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const MAX_MEMPOOL_TXS = 50;

export class EsploraServer {
  /** Requests per route pattern, e.g. `GET /block/:hash/raw`. */
  readonly calls = new Map<string, number>();
  readonly #sim: ChainState;
  readonly #http: SwitchableHttpServer;

  constructor(sim: ChainState) {
    this.#sim = sim;
    this.#http = new SwitchableHttpServer((req, body, res) => this.#handle(req, body, res));
  }

  start(): Promise<string> {
    return this.#http.start();
  }

  get url(): string {
    return this.#http.url;
  }

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
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      const reply = this.#route(req.method ?? 'GET', path, body);
      res.writeHead(200, { 'content-type': reply.type }).end(reply.body);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    }
  }

  #route(method: string, path: string, body: Buffer): Reply {
    const sim = this.#sim;
    const [a, b, c, d, e] = path.split('/').slice(1);
    const route = (pattern: string) =>
      this.calls.set(`${method} ${pattern}`, (this.calls.get(`${method} ${pattern}`) ?? 0) + 1);
    if (method === 'GET' && a === 'blocks' && b === 'tip' && d === undefined) {
      if (c === 'height') {
        route('/blocks/tip/height');
        return text(String(sim.height));
      }
      if (c === 'hash') {
        route('/blocks/tip/hash');
        return text(sim.tip().hash);
      }
    }
    if (method === 'GET' && a === 'block-height' && b !== undefined && c === undefined) {
      route('/block-height/:height');
      if (!/^\d+$/.test(b)) throw new HttpError(400, 'Invalid number');
      const record = sim.blockAt(Number(b));
      if (!record) throw new HttpError(404, 'Block not found');
      return text(record.hash);
    }
    if (method === 'GET' && a === 'block' && b !== undefined && d === undefined) {
      route(`/block/:hash${c === undefined ? '' : `/${c}`}`);
      const hash = hashParam(b);
      if (c === 'status') return json(blockStatusJson(sim, hash));
      const record = sim.block(hash);
      if (c === undefined || c === 'header' || c === 'raw' || c === 'txids') {
        if (!record) throw new HttpError(404, 'Block not found');
        if (c === undefined) return json(blockJson(sim, record));
        if (c === 'header') return text(toHex(record.block.toBuffer(true)));
        if (c === 'txids') return json(record.txids);
        return binary(record.raw);
      }
    }
    if (method === 'GET' && a === 'tx' && b !== undefined && d === undefined) {
      route(`/tx/:txid${c === undefined ? '' : `/${c}`}`);
      const txid = hashParam(b);
      // electrs answers unknown txids' status with {"confirmed":false}, not 404.
      if (c === 'status') return json(statusJson(sim.txStatus(txid)));
      const tx = sim.transaction(txid);
      if (c === undefined || c === 'hex' || c === 'raw') {
        if (!tx) throw new HttpError(404, 'Transaction not found');
        if (c === undefined) return json(txJson(sim, tx));
        const raw = sim.rawTx(txid)!;
        return c === 'hex' ? text(toHex(raw)) : binary(raw);
      }
    }
    if (
      method === 'GET' &&
      a === 'address' &&
      b !== undefined &&
      c === 'txs' &&
      d === 'mempool' &&
      e === undefined
    ) {
      route('/address/:address/txs/mempool');
      return json(this.#mempoolHistory(decodeURIComponent(b)));
    }
    if (method === 'GET' && a === 'mempool' && c === undefined) {
      if (b === 'txids') {
        route('/mempool/txids');
        return json(sim.mempoolTxids());
      }
      if (b === undefined) {
        route('/mempool');
        const entries = sim.mempoolEntries();
        const vsize = entries.reduce((n, x) => n + x.vsize, 0);
        const fee = entries.reduce((n, x) => n + Number(x.fee), 0);
        return json({ count: entries.length, vsize, total_fee: fee, fee_histogram: [] });
      }
    }
    if (method === 'POST' && a === 'tx' && b === undefined) {
      route('/tx');
      return text(this.#broadcast(body.toString('utf8').trim()));
    }
    throw new HttpError(404, `endpoint does not exist ${JSON.stringify(path)}`);
  }

  /** Mempool transactions funding or spending the address, newest first, at most 50 (no paging). */
  #mempoolHistory(address: string): unknown[] {
    const sim = this.#sim;
    const script = Buffer.from(addressScript(address, sim));
    const touches = (s: Uint8Array | undefined) => s !== undefined && script.equals(s);
    return sim
      .mempoolEntries()
      .filter(
        (entry) =>
          entry.tx.outs.some((o) => touches(o.script)) ||
          entry.spends.some((outpoint) =>
            touches(sim.output(outpoint.slice(0, 64), Number(outpoint.slice(65)))?.script),
          ),
      )
      .reverse()
      .slice(0, MAX_MEMPOOL_TXS)
      .map((entry) => txJson(sim, entry.tx));
  }

  #broadcast(hex: string): string {
    try {
      return this.#sim.submitTransaction(hex);
    } catch (error) {
      if (!(error instanceof TxRejected)) throw error;
      // electrs relays bitcoind's error verbatim with HTTP 400.
      const rpc = JSON.stringify({ code: error.code, message: error.message });
      throw new HttpError(400, `sendrawtransaction RPC error: ${rpc}`);
    }
  }
}

function hashParam(value: string): string {
  if (!isId(value)) throw new HttpError(400, 'Invalid hash string');
  return value.toLowerCase();
}

function addressScript(address: string, sim: ChainState): Uint8Array {
  try {
    return toOutputScript(address, sim.network);
  } catch (error) {
    for (const other of [networks.bitcoin, networks.testnet, networks.regtest]) {
      try {
        toOutputScript(address, other);
        throw new HttpError(400, 'Address on invalid network');
      } catch (inner) {
        if (inner instanceof HttpError) throw inner;
      }
    }
    throw new HttpError(400, error instanceof Error ? error.message : 'Invalid address');
  }
}

interface Reply {
  type: string;
  body: string | Uint8Array;
}

function text(body: string): Reply {
  return { type: 'text/plain', body };
}

function json(body: unknown): Reply {
  return { type: 'application/json', body: JSON.stringify(body) };
}

function binary(body: Uint8Array): Reply {
  return { type: 'application/octet-stream', body };
}
