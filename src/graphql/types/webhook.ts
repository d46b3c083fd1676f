import { createWebhookEndpoint } from '../../app/create-webhook-endpoint.ts';
import { deleteWebhookEndpoint } from '../../app/delete-webhook-endpoint.ts';
import { redeliverWebhook } from '../../app/redeliver-webhook.ts';
import { updateWebhookEndpoint } from '../../app/update-webhook-endpoint.ts';
import { WebhookAttemptOutcome, WebhookDeliveryStatus } from '../../db/generated/prisma/enums.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/event-types.ts';
import { redactUrl } from '../../webhooks/webhook-url.ts';
import { keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';

const manage = { scope: 'webhooks:manage' as const };
const EVENTS_DESCRIPTION = `Event types: ${WEBHOOK_EVENT_TYPES.join(', ')}; or * for every type, future ones included.`;

const DeliveryStatusEnum = builder.enumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (first attempt or a retry to come), DELIVERED (a 2xx came back), FAILED (given up).',
});
const AttemptOutcomeEnum = builder.enumType(WebhookAttemptOutcome, {
  name: 'WebhookAttemptOutcome',
  description: 'SUCCEEDED (2xx), RETRYING (failed, another attempt is scheduled), FAILED (failed for good).',
});

const EndpointRef = builder.prismaObject('WebhookEndpoint', {
  description:
    'Where Kassa POSTs the store’s events, signed with the endpoint’s secret (shown only when it is created or rotated).',
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.string({
      description: 'A password in the URL is shown as ***.',
      resolve: (e) => redactUrl(e.url),
    }),
    description: t.exposeString('description', { nullable: true }),
    events: t.exposeStringList('events', { description: EVENTS_DESCRIPTION }),
    enabled: t.boolean({
      description:
        'False once disabled, by hand or after failing for days; enable it with updateWebhookEndpoint.',
      resolve: (e) => e.disabledAt === null,
    }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true }),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'The first failed attempt since the last successful one; null while deliveries succeed.',
    }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'After a rotation, deliveries are signed with the old secret too until this time.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('WebhookEvent', {
  description: 'An event as receivers get it: `body` is the exact JSON that is POSTed and signed.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable across retries and redeliveries (header Kassa-Event-Id).' }),
    type: t.exposeString('type'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    body: t.exposeString('body'),
  }),
});

builder.prismaObject('WebhookAttempt', {
  description: 'One HTTP attempt of a delivery.',
  fields: (t) => ({
    number: t.exposeInt('number', { description: '1 for the first attempt.' }),
    url: t.exposeString('url'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    requestBody: t.string({
      description: 'The body sent: the event’s body, the same bytes on every attempt.',
      select: { delivery: { select: { event: { select: { body: true } } } } },
      resolve: (a) => a.delivery.event.body,
    }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true }),
    responseExcerpt: t.exposeString('responseExcerpt', {
      nullable: true,
      description: 'The start of the response body, at most 1 KiB.',
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why there was no usable answer: a timeout, a connection error, a refused address.',
    }),
    outcome: t.expose('outcome', { type: AttemptOutcomeEnum }),
  }),
});

const DeliveryRef = builder.prismaObject('WebhookDelivery', {
  description: 'One event for one recipient, with every attempt.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Header Kassa-Delivery-Id.' }),
    event: t.relation('event'),
    endpointId: t.exposeID('endpointId', {
      nullable: true,
      description: 'Null for a delivery to an invoice’s notificationUrl.',
    }),
    url: t.string({
      nullable: true,
      description: 'The invoice’s notificationUrl; null for endpoint deliveries (see the attempts).',
      resolve: (d) => (d.url === null ? null : redactUrl(d.url)),
    }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attemptCount: t.exposeInt('attemptCount'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    redeliveryOfId: t.exposeID('redeliveryOfId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    attempts: t.relation('attempts', { query: { orderBy: { number: 'asc' } } }),
  }),
});

const CreatedEndpoint = builder
  .objectRef<Awaited<ReturnType<typeof createWebhookEndpoint>>>('CreatedWebhookEndpoint')
  .implement({
    description: 'A new endpoint and its signing secret. Store the secret now: it cannot be read again.',
    fields: (t) => ({
      endpoint: t.field({ type: EndpointRef, resolve: (c) => c.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The HMAC-SHA256 key for the Kassa-Signature header, used as is (prefix included).',
      }),
    }),
  });

const UpdatedEndpoint = builder
  .objectRef<Awaited<ReturnType<typeof updateWebhookEndpoint>>>('UpdatedWebhookEndpoint')
  .implement({
    description: 'The changed endpoint; `secret` is the new secret after a rotation (shown only here).',
    fields: (t) => ({
      endpoint: t.field({ type: EndpointRef, resolve: (c) => c.endpoint }),
      secret: t.exposeString('secret', { nullable: true }),
    }),
  });

const CreateInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({
      required: true,
      description: 'An https (or http) URL whose host resolves to public addresses only.',
    }),
    events: t.stringList({ required: true, description: EVENTS_DESCRIPTION }),
    description: t.string({ required: false }),
  }),
});

const UpdateInput = builder.inputType('UpdateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: false }),
    events: t.stringList({ required: false, description: EVENTS_DESCRIPTION }),
    description: t.string({ required: false }),
    enabled: t.boolean({
      required: false,
      description: 'true enables a disabled endpoint (its failure streak starts afresh); false disables it.',
    }),
    rotateSecret: t.boolean({
      required: false,
      description: 'Issue a new signing secret; the old one keeps signing too for secretOverlapMinutes.',
    }),
    secretOverlapMinutes: t.int({
      required: false,
      description:
        'How long the old secret keeps signing after a rotation: 0 to 10080; default 1440 (a day).',
    }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaField({
    type: ['WebhookEndpoint'],
    description: "The store's webhook endpoints, newest first.",
    authScopes: manage,
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({
        ...query,
        where: { storeId: keyStoreId(ctx), deletedAt: null },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  webhookEventTypes: t.stringList({
    description: 'Every event type an endpoint can subscribe to.',
    authScopes: manage,
    resolve: () => [...WEBHOOK_EVENT_TYPES],
  }),
  webhookDeliveries: t.prismaConnection({
    type: 'WebhookDelivery',
    cursor: 'id',
    description:
      "Deliveries of one endpoint, newest first; without endpointId every delivery of the store, those to invoices' notificationUrl included.",
    authScopes: manage,
    args: { endpointId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { endpointId }, ctx) => {
      const storeId = keyStoreId(ctx);
      if (endpointId != null) {
        const id = String(endpointId);
        const found = isUuid(id) && (await ctx.prisma.webhookEndpoint.count({ where: { id, storeId } })) > 0;
        if (!found) throw new NotFoundError('webhook endpoint', id);
      }
      return ctx.prisma.webhookDelivery.findMany({
        ...query,
        where: { storeId, endpointId: endpointId == null ? undefined : String(endpointId) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
  webhookDelivery: t.prismaField({
    type: 'WebhookDelivery',
    nullable: true,
    description: 'One delivery of the store with its attempts.',
    authScopes: manage,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      isUuid(String(id))
        ? ctx.prisma.webhookDelivery.findFirst({
            ...query,
            where: { id: String(id), storeId: keyStoreId(ctx) },
          })
        : null,
  }),
}));

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreatedEndpoint,
    description: 'Registers a webhook endpoint; returns its signing secret once.',
    authScopes: manage,
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: (_root, { input }, ctx) => createWebhookEndpoint(ctx.services, keyStoreId(ctx), input),
  }),
  updateWebhookEndpoint: t.field({
    type: UpdatedEndpoint,
    description: 'Changes an endpoint: url, events, description, enabled, or a new secret with an overlap.',
    authScopes: manage,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      updateWebhookEndpoint(ctx.services, keyStoreId(ctx), String(id), input),
  }),
  deleteWebhookEndpoint: t.field({
    type: EndpointRef,
    description: 'Deletes an endpoint: nothing more is sent to it, pending deliveries included.',
    authScopes: manage,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => deleteWebhookEndpoint(ctx.services, keyStoreId(ctx), String(id)),
  }),
  redeliverWebhook: t.field({
    type: DeliveryRef,
    description: 'Sends a delivery’s event again to the same recipient, as a new delivery (same event id).',
    authScopes: manage,
    args: { deliveryId: t.arg.id({ required: true }) },
    resolve: (_root, { deliveryId }, ctx) =>
      redeliverWebhook(ctx.services, keyStoreId(ctx), String(deliveryId)),
  }),
}));
