import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kassa_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'kassa_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'kassa_graphql_request_seconds',
      help: 'GraphQL HTTP request duration',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'kassa_subscriptions',
      help: 'Open GraphQL subscriptions on this process',
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'kassa_graphql_errors_total',
      help: 'GraphQL errors by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
