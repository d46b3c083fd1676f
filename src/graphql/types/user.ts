import { createDepositAddress } from '../../app/create-deposit-address.ts';
import { createUser } from '../../app/create-user.ts';
import { createUserToken } from '../../app/create-user-token.ts';
import { updateUser } from '../../app/update-user.ts';
import { isUuid } from '../../domain/ids.ts';
import { assertMayReadUser, callerStoreId, keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';

export const UserRef = builder.prismaObject('User', {
  description: "A store's end user (customer, investor, player), keyed by the merchant's own id.",
  fields: (t) => ({
    id: t.exposeID('id'),
    externalId: t.exposeString('externalId', { description: "The merchant's own id for this user." }),
    email: t.exposeString('email', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    externalId: t.string({ required: true, description: "The merchant's own id, unique in the store." }),
    email: t.string({ required: false }),
    metadata: t.field({ type: 'JSON', required: false, description: 'A JSON object up to 8 KiB.' }),
  }),
});

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Fields to change; omitted fields keep their value, null clears email or metadata.',
  fields: (t) => ({
    externalId: t.string({ required: false }),
    email: t.string({ required: false }),
    metadata: t.field({ type: 'JSON', required: false }),
  }),
});

const UserToken = builder.objectRef<{ token: string; expiresAt: Date }>('UserToken').implement({
  description: 'A bearer token for one user: it reads only that user’s own data. Shown once.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  user: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'A user of the store by id (a user token: only its own user).',
    authScopes: { scope: 'users:read', user: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => {
      assertMayReadUser(ctx, String(id), 'users:read');
      if (!isUuid(String(id))) return null;
      return ctx.prisma.user.findFirst({ ...query, where: { id: String(id), storeId: callerStoreId(ctx) } });
    },
  }),
  userByExternalId: t.prismaField({
    type: 'User',
    nullable: true,
    description: "A user of the store by the merchant's own id.",
    authScopes: { scope: 'users:read', user: true },
    args: { externalId: t.arg.string({ required: true }) },
    resolve: async (query, _root, { externalId }, ctx) => {
      const user = await ctx.prisma.user.findUnique({
        ...query,
        where: { storeId_externalId: { storeId: callerStoreId(ctx), externalId } },
      });
      if (user) assertMayReadUser(ctx, user.id, 'users:read');
      else if (ctx.auth.kind === 'user') return null;
      return user;
    },
  }),
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: "The store's users, newest first.",
    authScopes: { scope: 'users:read' },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.user.findMany({
        ...query,
        where: { storeId: keyStoreId(ctx) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
}));

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserRef,
    description: 'Registers an end user; externalId must be new in the store (else CONFLICT).',
    authScopes: { scope: 'users:write' },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => createUser(ctx.prisma, keyStoreId(ctx), input),
  }),
  updateUser: t.field({
    type: UserRef,
    description: 'Changes an end user of the store.',
    authScopes: { scope: 'users:write' },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => updateUser(ctx.prisma, keyStoreId(ctx), String(id), input),
  }),
  createUserToken: t.field({
    type: UserToken,
    description: "Mints a token with which a frontend reads that user's own data (60 s to 30 days).",
    authScopes: { scope: 'users:write' },
    args: { userId: t.arg.id({ required: true }), ttlSeconds: t.arg.int({ required: true }) },
    resolve: (_root, { userId, ttlSeconds }, ctx) =>
      createUserToken(ctx.prisma, keyStoreId(ctx), String(userId), ttlSeconds, ctx.services.now()),
  }),
}));

const DepositAddress = builder
  .objectRef<Awaited<ReturnType<typeof createDepositAddress>>>('DepositAddress')
  .implement({
    description: "A user's permanent deposit address for an asset's chain, watched forever.",
    fields: (t) => ({
      asset: t.string({ resolve: (d) => d.asset.code }),
      chain: t.string({ resolve: (d) => d.address.chain }),
      address: t.string({ resolve: (d) => d.address.address }),
      userId: t.id({ resolve: (d) => d.address.userId! }),
    }),
  });

builder.mutationField('createDepositAddress', (t) =>
  t.field({
    type: DepositAddress,
    description: "The user's permanent address for an asset (idempotent: always the same one).",
    authScopes: { scope: 'users:write' },
    args: { userId: t.arg.id({ required: true }), asset: t.arg.string({ required: true }) },
    resolve: (_root, { userId, asset }, ctx) =>
      createDepositAddress(ctx.services, keyStoreId(ctx), String(userId), asset),
  }),
);
