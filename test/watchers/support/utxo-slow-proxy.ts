import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a simulated node that answers each request `delayMs` late: a node
 * far away, so that a catch-up of a few dozen blocks lasts long enough to kill a worker in the
 * middle of it. `hold` can keep one chosen request back until the test lets it through, to put
 * the watcher at an exact point of its pass. Forwards method, path, headers and body as they are.
 */
export interface SlowProxy {
  url: string;
  delayMs: number;
  /** Called for each request; a promise returned holds that request until it settles. */
  hold?: (request: { method: string; path: string; body: string }) => Promise<void> | undefined;
  stop(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const base = new URL(target);
  const proxy: SlowProxy = { url: '', delayMs, stop: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      await new Promise((resolve) => setTimeout(resolve, proxy.delayMs));
      const body = Buffer.concat(chunks);
      await proxy.hold?.({ method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') });
      try {
        const upstream = await fetch(new URL(req.url ?? '/', base), {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        });
        const answer = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        });
        res.end(answer);
      } catch {
        res.socket?.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
