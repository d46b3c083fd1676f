import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendConfigError } from './backend-config-error.ts';
import { createEsploraBackend } from './esplora-backend.ts';
import { NodeUnavailableError } from './utxo-backend.ts';

// A stand-in Esplora: plain-text heights and hashes, binary raw blocks and transactions, JSON
// mempool listings per address, every path recorded.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

type Route = (path: string, req: IncomingMessage, res: ServerResponse) => unknown;

async function fakeEsplora(route: Route, prefix = '/api') {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '').slice(prefix.length);
    paths.push(path);
    Promise.resolve(route(path, req, res)).catch((error) => res.writeHead(500).end(String(error)));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}${prefix}/`, port, paths };
}

const hash = (n: number) => n.toString(16).padStart(64, '0');
const rawTx = (n: number) => Uint8Array.of(2, 0, 0, 0, n);
const send = (res: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain') =>
  res.writeHead(status, { 'content-type': type }).end(body);

describe('createEsploraBackend', () => {
  it('reads the tip as a height and the hash at that height', async () => {
    const esplora = await fakeEsplora((path, _req, res) => {
      if (path === '/blocks/tip/height') return send(res, 200, '105');
      if (path === '/block-height/105') return send(res, 200, hash(105));
      send(res, 404, 'Not Found');
    });
    const backend = createEsploraBackend({ url: esplora.url });
    expect(backend.kind).toBe('esplora');
    expect(await backend.getTip()).toEqual({ height: 105, hash: hash(105) });
    expect(esplora.paths).toEqual(['/blocks/tip/height', '/block-height/105']);
  });

  it('gets block hashes and raw blocks as bytes', async () => {
    const block = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const esplora = await fakeEsplora((path, _req, res) => {
      if (path === '/block-height/3') return send(res, 200, `${hash(3)}\n`);
      if (path === `/block/${hash(3)}/raw`) return send(res, 200, block, 'application/octet-stream');
      send(res, 404, 'Block not found');
    });
    const backend = createEsploraBackend({ url: esplora.url });
    expect(await backend.getBlockHash(3)).toBe(hash(3));
    expect(await backend.getRawBlock(hash(3))).toEqual(block);
    // A height past the tip or an unknown block: the node is not where the caller thinks it is.
    await expect(backend.getBlockHash(4)).rejects.toThrow(NodeUnavailableError);
    await expect(backend.getRawBlock(hash(4))).rejects.toThrow(NodeUnavailableError);
    await expect(backend.getRawBlock('../../etc')).rejects.toThrow(RangeError);
  });

  it('gets a raw transaction, undefined on 404', async () => {
    const esplora = await fakeEsplora((path, _req, res) => {
      if (path === `/tx/${hash(1)}/raw`) return send(res, 200, rawTx(1), 'application/octet-stream');
      send(res, 404, 'Transaction not found');
    });
    const backend = createEsploraBackend({ url: esplora.url });
    expect(await backend.getRawTransaction(hash(1))).toEqual(rawTx(1));
    expect(await backend.getRawTransaction(hash(2))).toBeUndefined();
  });

  describe('getMempoolTransactions', () => {
    function mempoolEsplora(byAddress: Record<string, number[]>, options: { delayMs?: number } = {}) {
      let inFlight = 0;
      const stats = { maxInFlight: 0 };
      const esplora = fakeEsplora(async (path, _req, res) => {
        inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
        inFlight--;
        const listing = /^\/address\/([^/]+)\/txs\/mempool$/.exec(path);
        if (listing) {
          const txs = (byAddress[decodeURIComponent(listing[1])] ?? []).map((n) => ({
            txid: hash(n),
            fee: 141,
          }));
          return send(res, 200, JSON.stringify(txs), 'application/json');
        }
        const tx = /^\/tx\/([0-9a-f]{64})\/raw$/.exec(path);
        if (tx && Number.parseInt(tx[1], 16) < 1000)
          return send(res, 200, rawTx(Number.parseInt(tx[1], 16)), 'application/octet-stream');
        send(res, 404, 'Transaction not found');
      });
      return { esplora, stats };
    }

    it("downloads each address's mempool transactions once, however many addresses list them", async () => {
      const byAddress: Record<string, number[]> = { a: [1, 2], b: [2, 3], c: [] };
      const { esplora } = mempoolEsplora(byAddress);
      const { url, paths } = await esplora;
      const backend = createEsploraBackend({ url });

      const first = await backend.getMempoolTransactions(['a', 'b', 'c']).then((m) => m.fresh);
      expect(first.map((raw) => raw[4]).sort()).toEqual([1, 2, 3]);
      expect(paths.filter((p) => p.startsWith('/tx/')).sort()).toEqual(
        [1, 2, 3].map((n) => `/tx/${hash(n)}/raw`),
      );

      paths.length = 0;
      expect(await backend.getMempoolTransactions(['a', 'b', 'c']).then((m) => m.fresh)).toEqual([]);
      expect(paths.filter((p) => p.startsWith('/tx/'))).toEqual([]);

      byAddress.c.push(4, 1000);
      expect(await backend.getMempoolTransactions(['a', 'b', 'c']).then((m) => m.fresh)).toEqual([rawTx(4)]);
    });

    it('escapes addresses in the path', async () => {
      const { esplora } = mempoolEsplora({ 'x/y?z': [5] });
      const { url, paths } = await esplora;
      expect(
        await createEsploraBackend({ url })
          .getMempoolTransactions(['x/y?z'])
          .then((m) => m.fresh),
      ).toEqual([rawTx(5)]);
      expect(paths[0]).toBe('/address/x%2Fy%3Fz/txs/mempool');
    });

    it('keeps at most `concurrency` requests in flight', async () => {
      const addresses = Array.from({ length: 30 }, (_, i) => `addr${i}`);
      const { esplora, stats } = mempoolEsplora(Object.fromEntries(addresses.map((a, i) => [a, [i + 1]])), {
        delayMs: 10,
      });
      const backend = createEsploraBackend({ url: (await esplora).url, concurrency: 4 });
      expect(await backend.getMempoolTransactions(addresses).then((m) => m.fresh)).toHaveLength(30);
      expect(stats.maxInFlight).toBe(4);
    });
  });

  describe('failures', () => {
    const statusEsplora = (status: number, body = '') =>
      fakeEsplora((_path, _req, res) => send(res, status, body));

    it('calls 5xx, 429 and a listing that is not JSON an outage', async () => {
      for (const status of [500, 502, 429]) {
        const backend = createEsploraBackend({ url: (await statusEsplora(status, 'busy')).url });
        const error = await backend.getTip().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NodeUnavailableError);
        expect((error as Error).message).toMatch(new RegExp(`HTTP ${status}: busy`));
      }
      const html = await statusEsplora(200, '<html>');
      await expect(
        createEsploraBackend({ url: html.url })
          .getMempoolTransactions(['a'])
          .then((m) => m.fresh),
      ).rejects.toThrow(NodeUnavailableError);
    });

    it('calls a 404 on the tip a configuration error: the URL is not the API root', async () => {
      const backend = createEsploraBackend({ url: (await statusEsplora(404, 'Not Found')).url });
      await expect(backend.getTip()).rejects.toThrow(/API root/);
      await expect(backend.getTip()).rejects.toThrow(BackendConfigError);
    });

    it('calls 400 (an address of another network), 401 and 403 a configuration error', async () => {
      for (const status of [400, 401, 403]) {
        const backend = createEsploraBackend({
          url: (await statusEsplora(status, 'Invalid Bitcoin address')).url,
        });
        await expect(backend.getMempoolTransactions(['tb1qxyz']).then((m) => m.fresh)).rejects.toThrow(
          BackendConfigError,
        );
      }
    });

    it('gives up after timeoutMs, and turns a refused connection into NodeUnavailableError', async () => {
      const silent = await fakeEsplora(() => new Promise(() => {}));
      const slow = createEsploraBackend({ url: silent.url, timeoutMs: 150 });
      await expect(slow.getRawBlock(hash(1))).rejects.toThrow(/no answer within 150 ms/);

      const closed = await fakeEsplora(() => {});
      const server = servers.pop()!;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      const error = await createEsploraBackend({ url: closed.url })
        .getTip()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeUnavailableError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect((error as Error).cause).toBeDefined();
    });

    it('times out a body that stalls after the headers', async () => {
      const stalled = await fakeEsplora((_path, _req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Uint8Array.of(1, 2, 3));
      });
      const backend = createEsploraBackend({ url: stalled.url, timeoutMs: 150 });
      await expect(backend.getRawBlock(hash(1))).rejects.toThrow(NodeUnavailableError);
    });
  });
});
