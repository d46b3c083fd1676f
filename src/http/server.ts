import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '../app/authenticate.ts';
import type { Services } from '../graphql/context.ts';
import { createGraphqlEndpoint } from './graphql-endpoint.ts';
import { maskError } from './mask-error.ts';
import type { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limiter.ts';
import { readBodyWithin, TooLargeError } from './read-body.ts';
import { attachWebSocketEndpoint } from './websocket-endpoint.ts';

export interface HttpServer {
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/**
 * One port for everything an api process serves: GraphQL over HTTP, SSE and graphql-ws at
 * /graphql, health and readiness probes, and Prometheus metrics.
 */
export function createHttpServer(
  services: Services,
  authenticator: Authenticator,
  metrics: Metrics,
  isReady: () => Promise<boolean>,
): HttpServer {
  const { config, log } = services;
  const limiter = new RateLimiter(config.rateLimitPerMinute);
  const mask = (error: unknown) => {
    const masked = maskError(error, (unexpected) =>
      log.error({ err: unexpected }, 'unexpected error in GraphQL'),
    );
    metrics.graphqlErrors.inc({ code: String(masked.extensions.code) });
    return masked;
  };
  const yoga = createGraphqlEndpoint(services, authenticator, limiter, mask);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendText(res, 200, 'ok');
    if (path === '/readyz') {
      const ready = await isReady().catch(() => false);
      return sendText(res, ready ? 200 : 503, ready ? 'ready' : 'not ready');
    }
    if (path === '/metrics') {
      res.setHeader('content-type', metrics.registry.contentType);
      return sendText(res, 200, await metrics.registry.metrics());
    }
    if (path === '/graphql' || path === '/') {
      if (path === '/') {
        res.writeHead(302, { location: '/graphql' }).end();
        return 'redirect';
      }
      const stop = metrics.graphqlDuration.startTimer();
      await serveGraphql(req, res);
      stop();
      return 'graphql';
    }
    return sendText(res, 404, 'not found');
  }

  async function serveGraphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      try {
        body = await readBodyWithin(req, config.maxBodyBytes);
      } catch (error) {
        if (error instanceof TooLargeError) {
          sendText(res, 413, `request body over ${config.maxBodyBytes} bytes`);
          return;
        }
        throw error;
      }
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, {
      method: req.method,
      headers,
      body: body && body.length > 0 ? new Uint8Array(body) : undefined,
      signal: abort.signal,
    });
    const response = await yoga.handleRequest(request, { remoteAddress: req.socket.remoteAddress });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();
      return;
    }
    // Streamed, so SSE subscriptions flow as events happen.
    for await (const chunk of response.body) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .then((route) => metrics.httpRequests.inc({ route, status: String(res.statusCode) }))
      .catch((error) => {
        log.error({ err: error }, 'HTTP handler failed');
        if (!res.headersSent) sendText(res, 500, 'internal error');
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 65_000;
  const ws = attachWebSocketEndpoint(server, yoga, mask, config.maxBodyBytes);

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve({ port, url: `http://${config.host}:${port}` });
        });
      }),
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendText(res: ServerResponse, status: number, text: string): string {
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.writeHead(status).end(text);
  return 'other';
}
