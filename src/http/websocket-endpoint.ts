import type { Server } from 'node:http';
import type { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Context } from '../graphql/context.ts';
import type { ServerContext } from './graphql-endpoint.ts';

interface EnvelopedRoot {
  execute: (args: unknown) => unknown;
  subscribe: (args: unknown) => unknown;
}

/**
 * graphql-ws on the same port and path as HTTP. Every operation runs through yoga's
 * `getEnveloped`, so it gets the same context factory (authentication from
 * `connectionParams.authorization`), limits and error masking as an HTTP request.
 */
export function attachWebSocketEndpoint(
  server: Server,
  yoga: YogaServerInstance<ServerContext, Context>,
  mask: (error: unknown) => GraphQLError,
  maxPayloadBytes: number,
) {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: maxPayloadBytes });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const remoteAddress = ctx.extra.request.socket.remoteAddress;
        const enveloped = yoga.getEnveloped({
          connectionParams: ctx.connectionParams,
          remoteAddress,
          params: payload,
        } as never);
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        let errors: readonly GraphQLError[];
        try {
          errors = enveloped.validate(enveloped.schema, document);
        } catch (error) {
          // graphql-armor's limits (depth, aliases, cost) throw rather than report; uncaught,
          // graphql-ws would close the whole socket as an internal error.
          return [mask(error)];
        }
        if (errors.length > 0) return errors;
        let contextValue: unknown;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          return [mask(error)];
        }
        return {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wss,
  );
  return {
    wss,
    async close() {
      await disposable.dispose();
      wss.close();
    },
  };
}
