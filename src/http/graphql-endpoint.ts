import type { IncomingMessage } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from '../app/authenticate.ts';
import { RateLimitedError } from '../domain/errors.ts';
import type { Auth, Context, Services } from '../graphql/context.ts';
import { schema } from '../graphql/schema.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** What the HTTP server (request) or the WebSocket server (connection) passes in. */
export interface ServerContext {
  /** Present on WebSocket operations: graphql-ws `connectionParams`. */
  connectionParams?: Record<string, unknown>;
  /** The client's address, for limiting anonymous callers (WebSocket operations). */
  remoteAddress?: string;
  /** Set by yoga's Node adapter on HTTP requests. */
  req?: IncomingMessage;
}

function remoteAddressOf(initial: ServerContext): string | undefined {
  return initial.remoteAddress ?? initial.req?.socket.remoteAddress;
}

function callerKey(auth: Auth, remoteAddress: string | undefined): string {
  if (auth.kind === 'apiKey') return `key:${auth.keyId}`;
  if (auth.kind === 'user') return `user:${auth.tokenId}`;
  return `ip:${remoteAddress ?? 'unknown'}`;
}

function refuseIfLimited(wait: number): void {
  if (wait === 0) return;
  const limited = new RateLimitedError(wait);
  throw new GraphQLError(limited.shortMessage, {
    extensions: {
      code: limited.code,
      retryAfterSeconds: wait,
      http: { status: 429, headers: { 'retry-after': String(wait) } },
    },
  });
}

/**
 * graphql-yoga with Kassa's context, limits and error masking. HTTP and WebSocket operations
 * go through this same instance (the WebSocket server calls `getEnveloped`), so plugins,
 * authentication and limits are identical on every transport.
 */
export function createGraphqlEndpoint(
  services: Services,
  authenticator: Authenticator,
  limiter: RateLimiter,
  mask: (error: unknown) => GraphQLError,
): YogaServerInstance<ServerContext, Context> {
  const { config } = services;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Kassa GraphQL', subscriptionsProtocol: 'WS' },
    batching: false,
    maxRequestBodySize: config.maxBodyBytes,
    logging: false,
    maskedErrors: { maskError: mask },
    context: async (initial): Promise<Context> => {
      const authorization =
        initial.request?.headers.get('authorization') ??
        (initial.connectionParams?.authorization as string | undefined);
      let auth: Auth;
      try {
        auth = await authenticator.authenticate(authorization);
      } catch (error) {
        // Bad credentials count against the caller's address like anonymous calls do; otherwise
        // a flood of made-up keys would never be limited.
        refuseIfLimited(limiter.take(callerKey({ kind: 'anonymous' }, remoteAddressOf(initial))));
        throw error;
      }
      refuseIfLimited(limiter.take(callerKey(auth, remoteAddressOf(initial))));
      return { auth, services, prisma: services.db.prisma };
    },
    plugins: [
      useCSRFPrevention({ requestHeaders: ['x-kassa-csrf', 'x-graphql-yoga-csrf'] }),
      EnvelopArmorPlugin({
        maxDepth: { n: config.graphql.maxDepth },
        maxAliases: { n: config.graphql.maxAliases },
        costLimit: { maxCost: config.graphql.maxCost },
        maxTokens: { n: config.graphql.maxTokens },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });
}
