import { updateStore } from '../../app/update-store.ts';
import { startingWith } from '../../events/starting-with.ts';
import { topics } from '../../events/topics.ts';
import { callerStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';

export const StoreRef = builder.prismaObject('Store', {
  description: 'A tenant: one merchant project with its wallets, invoices, users, API keys and webhooks.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    defaultCurrency: t.exposeString('defaultCurrency', {
      description: 'ISO 4217 currency that invoices are priced in unless they say otherwise.',
    }),
    expirationMinutes: t.exposeInt('expirationMinutes', {
      description: 'Minutes an invoice waits for full payment before it expires.',
    }),
    monitoringMinutes: t.exposeInt('monitoringMinutes', {
      description: 'Minutes after expiry during which late payments are still recorded.',
    }),
    paymentTolerancePercent: t.field({
      type: 'Decimal',
      description: 'Underpayment, in percent of the amount due, that still counts as paid in full.',
      resolve: (store) => store.paymentTolerancePercent.toFixed(),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const StoreSettingsInput = builder.inputType('StoreSettingsInput', {
  description: 'Store settings to change; omitted fields keep their value.',
  fields: (t) => ({
    name: t.string({ required: false }),
    defaultCurrency: t.string({ required: false }),
    expirationMinutes: t.int({ required: false }),
    monitoringMinutes: t.int({ required: false }),
    paymentTolerancePercent: t.field({ type: 'Decimal', required: false }),
  }),
});

builder.queryField('store', (t) =>
  t.prismaField({
    type: 'Store',
    description: 'The store of the calling API key or user token.',
    authScopes: { apiKey: true, user: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.store.findUniqueOrThrow({ ...query, where: { id: callerStoreId(ctx) } }),
  }),
);

builder.mutationField('updateStore', (t) =>
  t.field({
    type: StoreRef,
    description: "Changes the caller's store settings.",
    authScopes: { scope: 'admin' },
    args: { input: t.arg({ type: StoreSettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateStore(ctx.services, callerStoreId(ctx), input),
  }),
);

builder.subscriptionField('storeUpdated', (t) =>
  t.field({
    type: StoreRef,
    description: "The caller's store, now and after every change of its settings.",
    authScopes: { apiKey: true },
    subscribe: (_root, _args, ctx) =>
      startingWith(null, ctx.services.bus.subscribe(topics.store(callerStoreId(ctx)))),
    resolve: (_event, _args, ctx) =>
      ctx.prisma.store.findUniqueOrThrow({ where: { id: callerStoreId(ctx) } }),
  }),
);
