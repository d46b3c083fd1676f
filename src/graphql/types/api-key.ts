import { createApiKey } from '../../app/create-api-key.ts';
import { revokeApiKey } from '../../app/revoke-api-key.ts';
import { keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';

export const ApiKeyRef = builder.prismaObject('ApiKey', {
  description: 'A store API key. Its secret is shown only when it is created; Kassa keeps only a hash.',
  fields: (t) => ({
    id: t.exposeID('id'),
    label: t.exposeString('label'),
    prefix: t.exposeString('prefix', { description: 'The start of the secret, to tell keys apart.' }),
    scopes: t.exposeStringList('scopes'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<Awaited<ReturnType<typeof createApiKey>>>('CreatedApiKey').implement({
  description: 'A new API key with its secret. Store the secret now: it cannot be read again.',
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (created) => created.apiKey }),
    secret: t.exposeString('secret', { description: 'Send as `Authorization: Bearer <secret>`.' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    label: t.string({ required: true, description: 'What the key is for, e.g. "shop backend".' }),
    scopes: t.stringList({
      required: true,
      description:
        'admin, invoices:read, invoices:write, users:read, users:write, ledger:read, wallets:manage, webhooks:manage, payouts:read, payouts:write, or a wildcard such as users:*',
    }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.prismaField({
    type: ['ApiKey'],
    description: "The store's API keys, newest first, revoked ones included.",
    authScopes: { scope: 'admin' },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.apiKey.findMany({
        ...query,
        where: { storeId: keyStoreId(ctx) },
        orderBy: { createdAt: 'desc' },
      }),
  }),
);

builder.mutationField('createApiKey', (t) =>
  t.field({
    type: CreatedApiKey,
    description: 'Creates an API key for the store; returns its secret once.',
    authScopes: { scope: 'admin' },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => createApiKey(ctx.prisma, keyStoreId(ctx), input),
  }),
);

builder.mutationField('revokeApiKey', (t) =>
  t.field({
    type: ApiKeyRef,
    description: 'Revokes an API key of the store at once, on every api process.',
    authScopes: { scope: 'admin' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => revokeApiKey(ctx.services, keyStoreId(ctx), String(id)),
  }),
);
