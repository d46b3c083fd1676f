import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The local 200-OK receiver of the webhook benchmark: answers `ok` at once and records, per
 * delivery, when it arrived (performance.now() of this process) and the `benchSeq` that the
 * producer put into the event's data, so commit → arrival can be measured on one clock.
 */
export interface WebhookSink {
  url: string;
  /** Arrivals in order: the event's benchSeq, the path (one per endpoint), the time. */
  arrivals: Array<{ seq: number; path: string; at: number }>;
  /** Requests whose body was not a Kassa event, or had no signature. */
  malformed: number;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const sink: WebhookSink = { url: '', arrivals: [], malformed: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (!req.headers['kassa-signature'] || typeof body.data?.benchSeq !== 'number') sink.malformed++;
        else sink.arrivals.push({ seq: body.data.benchSeq, path: req.url ?? '/', at });
      } catch {
        sink.malformed++;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return sink;
}
