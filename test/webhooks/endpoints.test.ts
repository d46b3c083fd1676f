import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  RedeliverWebhookDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookDeliveryDocument,
  WebhookEndpointsDocument,
  WebhookEventTypesDocument,
  WebhooksCreateApiKeyDocument,
} from '../graphql/generated/graphql.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { Receiver } from './support/receiver.ts';
import {
  api,
  createEndpoint,
  createInvoice,
  deliveries,
  startWebhookWorld,
  type TestStore,
  until,
  type WebhookWorld,
  webhookStore,
} from './support/webhook-world.ts';

let world: WebhookWorld;
let receiver: Receiver;
let shop: TestStore;
let other: TestStore;

beforeAll(async () => {
  world = await startWebhookWorld();
  receiver = await Receiver.start();
  shop = await webhookStore(world, 'Endpoint shop', 0);
  other = await webhookStore(world, 'Other shop', 1);
});

afterAll(async () => {
  await receiver?.down();
  await world?.stop();
});

const hooks = (path = '/hooks') => `${receiver.url}${path}`;

async function keyWith(scopes: string[]) {
  const { createApiKey } = await run(api(world, shop), WebhooksCreateApiKeyDocument, {
    input: { label: scopes.join(' '), scopes },
  });
  return client(world.kassa.graphqlUrl, createApiKey.secret);
}

describe('webhook endpoints', () => {
  it('createWebhookEndpoint returns the signing secret once; lists never show it', async () => {
    const { createWebhookEndpoint } = await run(api(world, shop), CreateWebhookEndpointDocument, {
      input: {
        url: hooks('/a'),
        events: ['invoice.settled', 'invoice.created', 'invoice.settled'],
        description: ' shop ',
      },
    });
    expect(createWebhookEndpoint.secret).toMatch(/^kassa_whsec_[A-Za-z0-9_-]{43}$/);
    expect(createWebhookEndpoint.endpoint).toMatchObject({
      url: hooks('/a'),
      description: 'shop',
      // Each type once, in catalogue order.
      events: ['invoice.created', 'invoice.settled'],
      enabled: true,
      disabledAt: null,
      failingSince: null,
      previousSecretExpiresAt: null,
    });
    const { webhookEndpoints } = await run(api(world, shop), WebhookEndpointsDocument);
    expect(webhookEndpoints.map((e) => e.id)).toContain(createWebhookEndpoint.endpoint.id);
    expect(JSON.stringify(webhookEndpoints)).not.toContain(createWebhookEndpoint.secret);
    // Kept as is (HMAC needs it), never returned again.
    const { rows } = await world.sql.query(`SELECT secret FROM "WebhookEndpoint" WHERE id = $1`, [
      createWebhookEndpoint.endpoint.id,
    ]);
    expect(rows[0].secret).toBe(createWebhookEndpoint.secret);
    const { webhookEventTypes } = await run(api(world, shop), WebhookEventTypesDocument);
    expect(webhookEventTypes).toEqual([
      'invoice.created',
      'invoice.payment_detected',
      'invoice.processing',
      'invoice.settled',
      'invoice.expired',
      'invoice.invalid',
      'invoice.paid_late',
      'deposit.detected',
      'deposit.confirmed',
      'deposit.reversed',
    ]);
  });

  it('refuses unknown event types, no event types, long descriptions; * stands for every type', async () => {
    const create = (events: string[], description?: string) =>
      run(api(world, shop), CreateWebhookEndpointDocument, { input: { url: hooks(), events, description } });
    const unknown = await expectCode(create(['invoice.created', 'invoice.paid']), 'VALIDATION');
    expect(unknown.extensions).toMatchObject({ field: 'events', unknown: ['invoice.paid'] });
    await expectCode(create([]), 'VALIDATION');
    await expectCode(create(['*'], 'x'.repeat(501)), 'VALIDATION');
    const all = await create(['invoice.created', '*']);
    expect(all.createWebhookEndpoint.endpoint.events).toEqual(['*']);
  });

  it('shows a password in the URL as ***', async () => {
    const url = `http://user:s3cret@127.0.0.1:${receiver.port}/basic`;
    const { createWebhookEndpoint } = await run(api(world, shop), CreateWebhookEndpointDocument, {
      input: { url, events: ['*'] },
    });
    expect(createWebhookEndpoint.endpoint.url).toBe(`http://user:***@127.0.0.1:${receiver.port}/basic`);
  });

  it('updates url, events, description and enabled', async () => {
    const endpoint = await createEndpoint(world, shop, hooks('/before'));
    const update = (input: Record<string, unknown>) =>
      run(api(world, shop), UpdateWebhookEndpointDocument, { id: endpoint.id, input });
    const changed = await update({
      url: hooks('/after'),
      events: ['deposit.confirmed'],
      description: 'renamed',
    });
    expect(changed.updateWebhookEndpoint).toMatchObject({
      secret: null,
      endpoint: { url: hooks('/after'), events: ['deposit.confirmed'], description: 'renamed' },
    });
    const off = await update({ enabled: false, description: null });
    expect(off.updateWebhookEndpoint.endpoint).toMatchObject({
      enabled: false,
      disabledReason: 'disabled by the store',
      description: null,
    });
    const on = await update({ enabled: true });
    expect(on.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: true, disabledReason: null });
    await expectCode(update({ secretOverlapMinutes: 10_081, rotateSecret: true }), 'VALIDATION');
  });

  it('deleteWebhookEndpoint: gone from the list, its secret wiped, then NOT_FOUND', async () => {
    const endpoint = await createEndpoint(world, shop, hooks('/deleted'));
    const { deleteWebhookEndpoint } = await run(api(world, shop), DeleteWebhookEndpointDocument, {
      id: endpoint.id,
    });
    expect(deleteWebhookEndpoint.id).toBe(endpoint.id);
    const { webhookEndpoints } = await run(api(world, shop), WebhookEndpointsDocument);
    expect(webhookEndpoints.map((e) => e.id)).not.toContain(endpoint.id);
    const { rows } = await world.sql.query(`SELECT secret FROM "WebhookEndpoint" WHERE id = $1`, [
      endpoint.id,
    ]);
    expect(rows[0].secret).toBe('');
    await expectCode(
      run(api(world, shop), UpdateWebhookEndpointDocument, { id: endpoint.id, input: { enabled: true } }),
      'NOT_FOUND',
    );
    await expectCode(run(api(world, shop), DeleteWebhookEndpointDocument, { id: endpoint.id }), 'NOT_FOUND');
  });

  it('a delivery pending when its endpoint is deleted ends FAILED without a request', async () => {
    const store = await webhookStore(world, 'Deleting shop', 2);
    const endpoint = await createEndpoint(world, store, hooks('/deleted-later'));
    await world.kassa.stop();
    world.env.KASSA_ROLE = 'api';
    await world.restart();
    try {
      await createInvoice(world, store);
      await run(api(world, store), DeleteWebhookEndpointDocument, { id: endpoint.id });
    } finally {
      world.env.KASSA_ROLE = 'all';
      await world.restart();
    }
    const [delivery] = await until(async () => {
      const list = await deliveries(world, store, endpoint.id);
      return list[0]?.status === 'FAILED' ? list : undefined;
    }, 'the delivery to end');
    expect(delivery.attempts[0]).toMatchObject({
      error: 'not sent: the endpoint was deleted',
      outcome: 'FAILED',
    });
    expect(receiver.received.filter((r) => r.path === '/deleted-later')).toHaveLength(0);
    const error = await expectCode(
      run(api(world, store), RedeliverWebhookDocument, { deliveryId: delivery.id }),
      'VALIDATION',
    );
    expect(error.message).toMatch(/endpoint was deleted/);
  });

  it('at most 20 endpoints per store', async () => {
    const store = await webhookStore(world, 'Busy shop', 3);
    for (let i = 0; i < 20; i++) await createEndpoint(world, store, hooks(`/n${i}`), ['deposit.reversed']);
    const error = await expectCode(
      run(api(world, store), CreateWebhookEndpointDocument, { input: { url: hooks(), events: ['*'] } }),
      'VALIDATION',
    );
    expect(error.message).toMatch(/at most 20/);
  });

  it('needs webhooks:manage (or admin)', async () => {
    const readOnly = await keyWith(['invoices:read', 'invoices:write']);
    await expectCode(run(readOnly, WebhookEndpointsDocument), 'FORBIDDEN');
    await expectCode(
      run(readOnly, CreateWebhookEndpointDocument, { input: { url: hooks(), events: ['*'] } }),
      'FORBIDDEN',
    );
    await expectCode(run(readOnly, WebhookDeliveriesDocument, { first: 10 }), 'FORBIDDEN');
    await expectCode(run(client(world.kassa.graphqlUrl), WebhookEndpointsDocument), 'UNAUTHENTICATED');
    const manager = await keyWith(['webhooks:manage']);
    const { createWebhookEndpoint } = await run(manager, CreateWebhookEndpointDocument, {
      input: { url: hooks('/managed'), events: ['*'] },
    });
    expect(createWebhookEndpoint.secret).toMatch(/^kassa_whsec_/);
    const wildcard = await keyWith(['webhooks:*']);
    await run(wildcard, WebhookEndpointsDocument);
  });

  it("never reaches another store's endpoints or deliveries", async () => {
    const theirs = await createEndpoint(world, other, hooks('/theirs'));
    await createInvoice(world, other);
    const [delivery] = await until(async () => {
      const list = await deliveries(world, other, theirs.id);
      return list[0]?.status === 'DELIVERED' ? list : undefined;
    }, "the other store's delivery");
    const mine = api(world, shop);
    await expectCode(
      run(mine, UpdateWebhookEndpointDocument, { id: theirs.id, input: { enabled: false } }),
      'NOT_FOUND',
    );
    await expectCode(run(mine, DeleteWebhookEndpointDocument, { id: theirs.id }), 'NOT_FOUND');
    await expectCode(run(mine, WebhookDeliveriesDocument, { endpointId: theirs.id }), 'NOT_FOUND');
    await expectCode(run(mine, WebhookDeliveriesDocument, { endpointId: 'not-an-id' }), 'NOT_FOUND');
    await expectCode(run(mine, RedeliverWebhookDocument, { deliveryId: delivery.id }), 'NOT_FOUND');
    expect((await run(mine, WebhookDeliveryDocument, { id: delivery.id })).webhookDelivery).toBeNull();
    const { webhookEndpoints } = await run(mine, WebhookEndpointsDocument);
    expect(webhookEndpoints.map((e) => e.id)).not.toContain(theirs.id);
    const { webhookDeliveries } = await run(mine, WebhookDeliveriesDocument, { first: 100 });
    expect(webhookDeliveries.edges.map((e) => e.node.id)).not.toContain(delivery.id);
  });

  it('an endpoint added after a store created invoices without one gets the next invoice.created; once deleted, nothing more', async () => {
    const store = await webhookStore(world, 'Late listener shop', 5);
    const invoicesAt = (path: string) =>
      receiver.received
        .filter((r) => r.path === path)
        .map((r) => JSON.parse(r.body).data.invoiceId as string);
    // No endpoint yet: the invoice is written without an outbox.
    await createInvoice(world, store);
    const endpoint = await createEndpoint(world, store, hooks('/late'), ['invoice.created']);
    const heard = await createInvoice(world, store);
    await until(
      async () => invoicesAt('/late').includes(heard.id),
      'invoice.created of the invoice after the endpoint',
    );
    await run(api(world, store), DeleteWebhookEndpointDocument, { id: endpoint.id });
    await createInvoice(world, store);
    // Deliveries are asynchronous: once a later invoice has reached another endpoint, whatever
    // the deleted one was going to get would have come too.
    const other = await createEndpoint(world, store, hooks('/late-other'), ['invoice.created']);
    const last = await createInvoice(world, store);
    await until(
      async () => invoicesAt('/late-other').includes(last.id),
      'invoice.created at the other endpoint',
    );
    expect(invoicesAt('/late')).toEqual([heard.id]);
    expect(invoicesAt('/late-other')).toEqual([last.id]);
    await run(api(world, store), DeleteWebhookEndpointDocument, { id: other.id });
  });

  it('pages the delivery log newest first', async () => {
    const store = await webhookStore(world, 'Paging shop', 4);
    const endpoint = await createEndpoint(world, store, hooks('/paging'));
    for (let i = 0; i < 5; i++) await createInvoice(world, store);
    await until(async () => (await deliveries(world, store, endpoint.id)).length === 5, 'five deliveries');
    const all = await deliveries(world, store, endpoint.id);
    const first = await run(api(world, store), WebhookDeliveriesDocument, {
      endpointId: endpoint.id,
      first: 2,
    });
    expect(first.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
    const second = await run(api(world, store), WebhookDeliveriesDocument, {
      endpointId: endpoint.id,
      first: 3,
      after: first.webhookDeliveries.pageInfo.endCursor,
    });
    expect(
      [...first.webhookDeliveries.edges, ...second.webhookDeliveries.edges].map((e) => e.node.id),
    ).toEqual(all.map((d) => d.id));
    const created = all.map((d) => new Date(d.createdAt).getTime());
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});
