import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '../app/authenticate.ts';
import type { Services } from '../graphql/context.ts';
import { createCheckoutRoutes } from './checkout/checkout-routes.ts';
import { createGraphqlEndpoint } from './graphql-endpoint.ts';
import { maskError } from './mask-error.ts';
import type { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limiter.ts';
import { createReportHandler } from './reports/serve-report.ts';
import { attachWebSocketEndpoint } from './websocket-endpoint.ts';

export interface HttpServer {
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/**
 * One port for everything an api process serves: GraphQL over HTTP, SSE and graphql-ws at
 * /graphql, the hosted checkout page at /pay/<invoiceId>, health and readiness probes, and
 * Prometheus metrics.
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
  const checkout = createCheckoutRoutes(services, limiter);
  const serveReport = createReportHandler(services);

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
    if (path.startsWith('/reports/')) return serveReport(req, res);
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
    if (path.startsWith('/pay/') || path.startsWith('/assets/checkout/')) {
      const route = await checkout(req, res, path);
      if (route) return route;
    }
    return sendText(res, 404, 'not found');
  }

  /**
   * Yoga's own Node adapter converts the request and streams the response (SSE included) with
   * backpressure; it is measurably cheaper than building a fetch Request by hand. Yoga enforces
   * the body limit (413) as it reads.
   */
  async function serveGraphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await yoga.requestListener(req, res);
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
