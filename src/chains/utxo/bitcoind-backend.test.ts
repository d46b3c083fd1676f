import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendConfigError } from './backend-config-error.ts';
import { createBitcoindBackend } from './bitcoind-backend.ts';
import { BitcoindRpcError } from './bitcoind-rpc.ts';
import { NodeUnavailableError } from './utxo-backend.ts';

// A stand-in bitcoind: answers JSON-RPC 1.0 the way Bitcoin Core does (RPC errors with HTTP 500,
// unknown methods with 404, batches always 200) and records every request it gets.

interface Call {
  method: string;
  params: unknown[];
  id: unknown;
}
type Answer = { result: unknown } | { error: { code: number; message: string } };
type Handler = (call: Call) => Answer;

interface FakeNode {
  url: string;
  port: number;
  requests: Array<{ auth?: string; path?: string; body: unknown }>;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => handle(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function fakeNode(handler: Handler): Promise<FakeNode> {
  const requests: FakeNode['requests'] = [];
  const server = await listen((req, res, body) => {
    const parsed = JSON.parse(body) as Call | Call[];
    requests.push({ auth: req.headers.authorization, path: req.url, body: parsed });
    const answer = (call: Call) => ({ result: null, error: null, id: call.id, ...handler(call) });
    if (Array.isArray(parsed)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(parsed.map(answer)));
      return;
    }
    const reply = answer(parsed);
    const status = reply.error === null ? 200 : reply.error.code === -32601 ? 404 : 500;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, port, requests, server };
}

const hash = (n: number) => n.toString(16).padStart(64, '0');
const rawTx = (n: number) => `0200000001${hash(n)}`;
const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('createBitcoindBackend', () => {
  it('reads the tip from one getblockchaininfo call, with basic auth from the URL', async () => {
    const node = await fakeNode(({ method }) =>
      method === 'getblockchaininfo'
        ? { result: { blocks: 812, bestblockhash: hash(812).toUpperCase() } }
        : { result: null },
    );
    const url = `http://kassa%40shop:p%3Ass@127.0.0.1:${node.port}/wallet/watch`;
    const backend = createBitcoindBackend({ url });

    expect(backend.kind).toBe('bitcoind');
    expect(await backend.getTip()).toEqual({ height: 812, hash: hash(812) });
    expect(node.requests).toEqual([
      {
        auth: `Basic ${Buffer.from('kassa@shop:p:ss').toString('base64')}`,
        path: '/wallet/watch',
        body: { jsonrpc: '1.0', id: 1, method: 'getblockchaininfo', params: [] },
      },
    ]);
  });

  it('gets block hashes and raw blocks (getblock verbosity 0)', async () => {
    const block = `${'ab'.repeat(80)}01${rawTx(1)}`;
    const node = await fakeNode(({ method, params }) => {
      if (method === 'getblockhash') return { result: hash(params[0] as number) };
      if (method === 'getblock') return { result: block };
      return { error: { code: -32601, message: 'Method not found' } };
    });
    const backend = createBitcoindBackend({ url: node.url });

    expect(await backend.getBlockHash(7)).toBe(hash(7));
    expect(await backend.getRawBlock(hash(7))).toEqual(bytesOf(block));
    expect(node.requests.map((r) => (r.body as Call).params)).toEqual([[7], [hash(7), 0]]);
    await expect(backend.getRawBlock('not-a-hash')).rejects.toThrow(RangeError);
    await expect(backend.getBlockHash(-1)).rejects.toThrow(RangeError);
  });

  it('falls back to getblock with verbose=false on nodes that want a boolean (dogecoind 1.14)', async () => {
    const node = await fakeNode(({ params }) =>
      typeof params[1] === 'boolean'
        ? { result: 'ff00' }
        : { error: { code: -1, message: 'JSON value is not a boolean as expected' } },
    );
    const backend = createBitcoindBackend({ url: node.url });

    expect(await backend.getRawBlock(hash(1))).toEqual(Uint8Array.of(0xff, 0));
    expect(await backend.getRawBlock(hash(2))).toEqual(Uint8Array.of(0xff, 0));
    expect(node.requests.map((r) => (r.body as Call).params[1])).toEqual([0, false, false]);
  });

  it('refuses an answer that is not hex instead of returning a short block', async () => {
    const node = await fakeNode(() => ({ result: 'abzz' }));
    await expect(createBitcoindBackend({ url: node.url }).getRawBlock(hash(1))).rejects.toThrow(
      NodeUnavailableError,
    );
  });

  it('gets a raw transaction, undefined for RPC error -5, and other RPC errors as BitcoindRpcError', async () => {
    const node = await fakeNode(({ params }) => {
      if (params[0] === hash(1)) return { result: rawTx(1) };
      if (params[0] === hash(2))
        return { error: { code: -5, message: 'No such mempool or blockchain transaction' } };
      return { error: { code: -28, message: 'Loading block index…' } };
    });
    const backend = createBitcoindBackend({ url: node.url });

    expect(await backend.getRawTransaction(hash(1))).toEqual(bytesOf(rawTx(1)));
    expect(await backend.getRawTransaction(hash(2))).toBeUndefined();
    const error = await backend.getRawTransaction(hash(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BitcoindRpcError);
    expect(error).toBeInstanceOf(NodeUnavailableError);
    expect(error).toMatchObject({ code: -28, method: 'getrawtransaction' });
  });

  describe('getMempoolTransactions', () => {
    function mempoolNode(mempool: string[], missing = new Set<string>()) {
      return fakeNode(({ method, params }) => {
        if (method === 'getrawmempool') return { result: [...mempool] };
        const txid = params[0] as string;
        if (method === 'getrawtransaction' && !missing.has(txid))
          return { result: rawTx(Number.parseInt(txid, 16)) };
        return { error: { code: -5, message: 'No such mempool transaction' } };
      });
    }
    const batchesOf = (node: FakeNode) =>
      node.requests
        .filter((r) => Array.isArray(r.body))
        .map((r) => (r.body as Call[]).map((c) => c.params[0]));

    it('fetches only transactions it has not returned before, in batches', async () => {
      const mempool = [hash(1), hash(2), hash(3)];
      const node = await mempoolNode(mempool);
      const backend = createBitcoindBackend({ url: node.url, batchSize: 2 });

      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual(
        [1, 2, 3].map((n) => bytesOf(rawTx(n))),
      );
      expect(batchesOf(node)).toEqual([[hash(1), hash(2)], [hash(3)]]);

      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([]);
      expect(batchesOf(node)).toHaveLength(2);

      mempool.push(hash(4));
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([bytesOf(rawTx(4))]);
    });

    it('forgets txids that left the mempool, so a transaction that returns is returned again', async () => {
      const mempool = [hash(1), hash(2)];
      const node = await mempoolNode(mempool);
      const backend = createBitcoindBackend({ url: node.url });
      await backend.getMempoolTransactions([]).then((m) => m.fresh);

      mempool.splice(0, 1);
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([]);
      mempool.push(hash(1));
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([bytesOf(rawTx(1))]);
    });

    it('skips transactions gone between getrawmempool and getrawtransaction (RPC -5)', async () => {
      const node = await mempoolNode([hash(1), hash(2)], new Set([hash(1)]));
      const backend = createBitcoindBackend({ url: node.url });
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([bytesOf(rawTx(2))]);
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toEqual([]);
    });

    it('takes a large backlog over several calls (mempoolFetchLimit)', async () => {
      const node = await mempoolNode([1, 2, 3, 4, 5].map(hash));
      const backend = createBitcoindBackend({ url: node.url, mempoolFetchLimit: 2 });
      const sizes = [];
      for (let i = 0; i < 4; i++)
        sizes.push((await backend.getMempoolTransactions([]).then((m) => m.fresh)).length);
      expect(sizes).toEqual([2, 2, 1, 0]);
    });

    it('returns the same transactions on the next call when a call fails midway', async () => {
      let failing = true;
      const node = await fakeNode(({ method, params }) => {
        if (method === 'getrawmempool') return { result: [hash(1), hash(2)] };
        if (failing && params[0] === hash(2)) return { error: { code: -28, message: 'Verifying blocks…' } };
        return { result: rawTx(Number.parseInt(params[0] as string, 16)) };
      });
      const backend = createBitcoindBackend({ url: node.url, batchSize: 1 });
      await expect(backend.getMempoolTransactions([]).then((m) => m.fresh)).rejects.toThrow(BitcoindRpcError);
      failing = false;
      expect(await backend.getMempoolTransactions([]).then((m) => m.fresh)).toHaveLength(2);
    });
  });

  describe('failures', () => {
    async function statusServer(status: number, body: string, headers: Record<string, string> = {}) {
      const server = await listen((_req, res) => res.writeHead(status, headers).end(body));
      return `http://user:secret@127.0.0.1:${(server.address() as AddressInfo).port}/`;
    }

    it('says the credentials are wrong on HTTP 401, without retrying as an outage', async () => {
      const backend = createBitcoindBackend({ url: await statusServer(401, '') });
      const error = await backend.getTip().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendConfigError);
      expect(error).not.toBeInstanceOf(NodeUnavailableError);
      expect((error as Error).message).toMatch(/credentials/);
      expect((error as Error).message).not.toMatch(/secret/);
    });

    it('calls HTTP 500 and 503 without a JSON-RPC body an outage', async () => {
      for (const [status, body] of [
        [500, 'Internal Server Error'],
        [503, 'Work queue depth exceeded'],
      ] as const) {
        const backend = createBitcoindBackend({ url: await statusServer(status, body) });
        await expect(backend.getTip()).rejects.toThrow(NodeUnavailableError);
        await expect(backend.getTip()).rejects.toThrow(new RegExp(`HTTP ${status}`));
      }
    });

    it('calls an unknown method or a page that is no RPC endpoint a configuration error', async () => {
      const node = await fakeNode(() => ({ error: { code: -32601, message: 'Method not found' } }));
      await expect(createBitcoindBackend({ url: node.url }).getTip()).rejects.toThrow(BackendConfigError);
      const page = createBitcoindBackend({ url: await statusServer(404, '<html>Not Found</html>') });
      await expect(page.getTip()).rejects.toThrow(BackendConfigError);
    });

    it('gives up after timeoutMs with NodeUnavailableError', async () => {
      const server = await listen(() => {});
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const error = await createBitcoindBackend({ url, timeoutMs: 150 })
        .getTip()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeUnavailableError);
      expect((error as Error).message).toMatch(/no answer within 150 ms/);
    });

    it('turns a refused connection into NodeUnavailableError with the cause', async () => {
      const server = await listen(() => {});
      const port = (server.address() as AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));
      const error = await createBitcoindBackend({ url: `http://u:secret@127.0.0.1:${port}/` })
        .getTip()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeUnavailableError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect((error as Error).message).not.toMatch(/secret/);
      expect((error as Error).cause).toBeDefined();
    });

    it("rethrows the caller's abort as it is, not as an outage", async () => {
      const server = await listen(() => {});
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const controller = new AbortController();
      const pending = createBitcoindBackend({ url }).getTip(controller.signal);
      controller.abort(new Error('shutting down'));
      await expect(pending).rejects.toThrow('shutting down');
    });
  });
});
