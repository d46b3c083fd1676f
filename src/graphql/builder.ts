import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '../db/generated/pothos-types.ts';
import { getDatamodel } from '../db/generated/pothos-types.ts';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.ts';
import { grants, type Scope } from '../domain/scopes.ts';
import type { Context } from './context.ts';

/**
 * The schema builder: plugins, scalars' TypeScript shapes, context and auth scopes. Types live
 * in one file each under types/ (Pothos "app layout"); this file defines none.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** An API key of the caller's store holding this scope (or `admin`). */
    scope: Scope;
    /** Any valid API key. */
    apiKey: boolean;
    /** A user token minted by the merchant backend. */
    user: boolean;
    /** Anyone, including callers without credentials. */
    public: boolean;
    /**
     * Data owned by a store (and possibly one of its users): a key of that store with `scope`,
     * or a token of that user.
     */
    storeData: { storeId: string; userId?: string | null; scope: Scope };
  };
  Scalars: {
    BigInt: { Input: bigint; Output: bigint };
    Decimal: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Check a subscription's credentials when it starts, not only when its first event arrives.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      scope: (required: Scope) => ctx.auth.kind === 'apiKey' && grants(ctx.auth.scopes, required),
      apiKey: ctx.auth.kind === 'apiKey',
      user: ctx.auth.kind === 'user',
      public: true,
      storeData: ({ storeId, userId, scope }: { storeId: string; userId?: string | null; scope: Scope }) => {
        const { auth } = ctx;
        if (auth.kind === 'apiKey') return auth.storeId === storeId && grants(auth.scopes, scope);
        if (auth.kind === 'user') return auth.storeId === storeId && !!userId && auth.userId === userId;
        return false;
      },
    }),
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.auth.kind === 'anonymous'
        ? new UnauthenticatedError('this needs an API key or a user token')
        : new ForbiddenError(`these credentials may not do this (${result.message})`),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
  },
});
