import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KassaEvent,
  kassaWebhookHandler,
  verifyKassaSignature,
} from '../../docs/examples/kassa-webhook-receiver.ts';
import {
  RedeliverWebhookDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveryDocument,
  WebhooksMarkInvoiceDocument,
} from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
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
let account = 0;
const newStore = (name: string) => webhookStore(world, name, account++);

beforeAll(async () => {
  world = await startWebhookWorld();
  receiver = await Receiver.start((request) => {
    if (request.path === '/created') return { status: 201 };
    if (request.path === '/gone') return { status: 410, body: 'x'.repeat(5000) };
    return { status: 200, body: 'ok' };
  });
});

afterAll(async () => {
  await receiver?.down();
  await world?.stop();
});

const bodyOf = (request: { body: string }) => JSON.parse(request.body) as KassaEvent;

/** Waits until the receiver has a request on `path` for `invoiceId` with `type`. */
function received(path: string, invoiceId: string, type: string, r = receiver) {
  return until(
    async () =>
      r.received.find(
        (q) => q.path === path && bodyOf(q).type === type && bodyOf(q).data.invoiceId === invoiceId,
      ),
    `${type} for ${invoiceId} on ${path}`,
  );
}

async function deliveredLog(store: TestStore, endpointId?: string, count = 1) {
  return until(async () => {
    const list = await deliveries(world, store, endpointId);
    return list.length >= count && list.every((d) => d.status !== 'PENDING') ? list : undefined;
  }, `${count} settled deliveries`);
}

describe('delivery', () => {
  it('createInvoice sends invoice.created, signed so that the docs example verifies it, and logs the attempt', async () => {
    const store = await newStore('Signed shop');
    const endpoint = await createEndpoint(world, store, `${receiver.url}/signed`);
    const invoice = await createInvoice(world, store, { orderId: 'order-1' });
    const request = await received('/signed', invoice.id, 'invoice.created');

    const header = request.headers['kassa-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyKassaSignature(request.body, header, endpoint.secret)).toBe(true);
    expect(verifyKassaSignature(request.body, header, 'kassa_whsec_wrong')).toBe(false);
    expect(verifyKassaSignature(request.body.replace('order-1', 'order-2'), header, endpoint.secret)).toBe(
      false,
    );
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyKassaSignature(request.body, header, endpoint.secret, { nowSeconds: t + 301 })).toBe(false);
    expect(request.headers['content-type']).toBe('application/json');

    const body = bodyOf(request);
    expect(Object.keys(body)).toEqual(['id', 'type', 'createdAt', 'storeId', 'data']);
    expect(body).toMatchObject({
      id: request.headers['kassa-event-id'],
      type: 'invoice.created',
      storeId: store.id,
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    expect(body.data).toEqual({
      invoiceId: invoice.id,
      orderId: 'order-1',
      status: 'NEW',
      exceptionStatus: 'NONE',
      price: '10',
      currency: 'EUR',
      metadata: null,
    });

    const [delivery] = await deliveredLog(store, endpoint.id);
    expect(delivery).toMatchObject({
      id: request.headers['kassa-delivery-id'],
      endpointId: endpoint.id,
      status: 'DELIVERED',
      attemptCount: 1,
      nextAttemptAt: null,
      redeliveryOfId: null,
      event: { id: body.id, type: 'invoice.created', body: request.body },
    });
    expect(delivery.deliveredAt).not.toBeNull();
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({
      number: 1,
      url: `${receiver.url}/signed`,
      requestBody: request.body,
      responseStatus: 200,
      responseExcerpt: 'ok',
      error: null,
      outcome: 'SUCCEEDED',
    });
    expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('markInvoice SETTLED sends invoice.settled; an endpoint gets only the types it subscribed to', async () => {
    const store = await newStore('Settling shop');
    await createEndpoint(world, store, `${receiver.url}/all`);
    await createEndpoint(world, store, `${receiver.url}/settled-only`, ['invoice.settled']);
    const invoice = await createInvoice(world, store);
    await received('/all', invoice.id, 'invoice.created');
    await run(api(world, store), WebhooksMarkInvoiceDocument, { id: invoice.id, status: 'SETTLED' });

    const settled = await received('/settled-only', invoice.id, 'invoice.settled');
    expect(bodyOf(settled).data).toMatchObject({ status: 'SETTLED', exceptionStatus: 'MARKED' });
    await received('/all', invoice.id, 'invoice.settled');
    await deliveredLog(store, undefined, 3);
    const types = (path: string) =>
      receiver.received
        .filter((r) => r.path === path && bodyOf(r).data.invoiceId === invoice.id)
        .map((r) => bodyOf(r).type);
    expect(types('/all')).toEqual(['invoice.created', 'invoice.settled']);
    expect(types('/settled-only')).toEqual(['invoice.settled']);
  });

  it("an invoice's notificationUrl receives that invoice's events, unsigned, and shows in the store's log", async () => {
    const store = await newStore('Notified shop');
    const invoice = await createInvoice(world, store, { notificationUrl: `${receiver.url}/notify?order=7` });
    const request = await received('/notify?order=7', invoice.id, 'invoice.created');
    expect(request.headers['kassa-signature']).toBeUndefined();
    expect(request.headers['kassa-event-id']).toBe(bodyOf(request).id);
    await run(api(world, store), WebhooksMarkInvoiceDocument, { id: invoice.id, status: 'INVALID' });
    await received('/notify?order=7', invoice.id, 'invoice.invalid');

    const log = await deliveredLog(store, undefined, 2);
    expect(log.map((d) => [d.event.type, d.endpointId, d.url, d.status])).toEqual([
      ['invoice.invalid', null, `${receiver.url}/notify?order=7`, 'DELIVERED'],
      ['invoice.created', null, `${receiver.url}/notify?order=7`, 'DELIVERED'],
    ]);
  });

  it('any 2xx is success; a 410 is final after one attempt, with a 1 KiB excerpt of the answer', async () => {
    const store = await newStore('Answering shop');
    const created = await createEndpoint(world, store, `${receiver.url}/created`);
    const gone = await createEndpoint(world, store, `${receiver.url}/gone`);
    const invoice = await createInvoice(world, store);
    const [ok] = await deliveredLog(store, created.id);
    expect(ok).toMatchObject({
      status: 'DELIVERED',
      attempts: [{ responseStatus: 201, responseExcerpt: null }],
    });
    const [failed] = await deliveredLog(store, gone.id);
    expect(failed).toMatchObject({ status: 'FAILED', attemptCount: 1, nextAttemptAt: null });
    expect(failed.attempts[0]).toMatchObject({ responseStatus: 410, outcome: 'FAILED' });
    expect(failed.attempts[0].responseExcerpt).toBe('x'.repeat(1024));
    expect(
      receiver.received.filter((r) => r.path === '/gone' && bodyOf(r).data.invoiceId === invoice.id),
    ).toHaveLength(1);
  });

  it('a rotated secret signs alongside the new one during the overlap; the docs handler accepts either', async () => {
    const store = await newStore('Rotating shop');
    const events: KassaEvent[] = [];
    const docsReceiver = await Receiver.start();
    try {
      const endpoint = await createEndpoint(world, store, `${docsReceiver.url}/kassa`);
      const { updateWebhookEndpoint } = await run(api(world, store), UpdateWebhookEndpointDocument, {
        id: endpoint.id,
        input: { rotateSecret: true, secretOverlapMinutes: 60 },
      });
      const fresh = updateWebhookEndpoint.secret!;
      expect(fresh).toMatch(/^kassa_whsec_/);
      expect(fresh).not.toBe(endpoint.secret);
      const overlapEnds = new Date(updateWebhookEndpoint.endpoint.previousSecretExpiresAt!).getTime();
      expect(Math.abs(overlapEnds - Date.now() - 3_600_000)).toBeLessThan(60_000);

      // The receiver of the docs, holding only the old secret, then only the new one.
      let secret = endpoint.secret;
      docsReceiver.handler = (req, res) => kassaWebhookHandler(secret, (e) => void events.push(e))(req, res);
      const first = await createInvoice(world, store);
      await until(
        async () => events.find((e) => e.data.invoiceId === first.id),
        'accepted with the old secret',
      );
      secret = fresh;
      const second = await createInvoice(world, store);
      await until(
        async () => events.find((e) => e.data.invoiceId === second.id),
        'accepted with the new secret',
      );

      // Overlap 0: the old secret stops signing at once.
      const again = await run(api(world, store), UpdateWebhookEndpointDocument, {
        id: endpoint.id,
        input: { rotateSecret: true, secretOverlapMinutes: 0 },
      });
      expect(again.updateWebhookEndpoint.endpoint.previousSecretExpiresAt).toBeNull();
      docsReceiver.handler = undefined;
      const third = await createInvoice(world, store);
      const request = await received('/kassa', third.id, 'invoice.created', docsReceiver);
      const header = request.headers['kassa-signature'] as string;
      expect(header.match(/v1=/g)).toHaveLength(1);
      expect(verifyKassaSignature(request.body, header, again.updateWebhookEndpoint.secret!)).toBe(true);
      expect(verifyKassaSignature(request.body, header, fresh)).toBe(false);
    } finally {
      await docsReceiver.down();
    }
  });

  it('during an overlap each delivery carries one signature per secret, new first', async () => {
    const store = await newStore('Two-signature shop');
    const endpoint = await createEndpoint(world, store, `${receiver.url}/two`);
    const { updateWebhookEndpoint } = await run(api(world, store), UpdateWebhookEndpointDocument, {
      id: endpoint.id,
      input: { rotateSecret: true },
    });
    const invoice = await createInvoice(world, store);
    const request = await received('/two', invoice.id, 'invoice.created');
    const header = request.headers['kassa-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const [, newer, older] = header.split(',');
    const t = header.split(',')[0];
    expect(verifyKassaSignature(request.body, `${t},${newer}`, updateWebhookEndpoint.secret!)).toBe(true);
    expect(verifyKassaSignature(request.body, `${t},${older}`, endpoint.secret)).toBe(true);
  });

  it('redeliverWebhook sends the same event again as a new delivery', async () => {
    const store = await newStore('Redelivering shop');
    const endpoint = await createEndpoint(world, store, `${receiver.url}/again`);
    const invoice = await createInvoice(world, store);
    const first = await received('/again', invoice.id, 'invoice.created');
    const [original] = await deliveredLog(store, endpoint.id);

    const { redeliverWebhook } = await run(api(world, store), RedeliverWebhookDocument, {
      deliveryId: original.id,
    });
    expect(redeliverWebhook).toMatchObject({
      status: 'PENDING',
      redeliveryOfId: original.id,
      endpointId: endpoint.id,
    });
    const second = await until(
      async () => receiver.received.find((r) => r.headers['kassa-delivery-id'] === redeliverWebhook.id),
      'the redelivery',
    );
    expect(second.body).toBe(first.body);
    expect(second.headers['kassa-event-id']).toBe(first.headers['kassa-event-id']);
    const redelivered = await until(async () => {
      const { webhookDelivery } = await run(api(world, store), WebhookDeliveryDocument, {
        id: redeliverWebhook.id,
      });
      return webhookDelivery?.status === 'DELIVERED' ? webhookDelivery : undefined;
    }, 'the redelivery to be recorded');
    expect(redelivered.event.id).toBe(original.event.id);
    expect((await deliveries(world, store, endpoint.id)).map((d) => d.id)).toEqual([
      redeliverWebhook.id,
      original.id,
    ]);
  });

  it("the docs' example verification code is the code these tests run", () => {
    const docs = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');
    const example = readFileSync(
      new URL('../../docs/examples/kassa-webhook-receiver.ts', import.meta.url),
      'utf8',
    );
    expect(docs).toContain(example.trim());
  });
});
