import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from './support/receiver.ts';
import {
  createEndpoint,
  createInvoice,
  deliveries,
  makeWebhookJobsDue,
  startWebhookWorld,
  until,
  type WebhookWorld,
  webhookStore,
} from './support/webhook-world.ts';

let world: WebhookWorld;
let account = 0;

beforeAll(async () => {
  world = await startWebhookWorld();
});

afterAll(async () => {
  await world?.stop();
});

const allDelivered = (store: Parameters<typeof deliveries>[1], endpointId: string, count: number) =>
  until(async () => {
    const list = await deliveries(world, store, endpointId);
    return list.length === count && list.every((d) => d.status === 'DELIVERED') ? list : undefined;
  }, `${count} delivered`);

describe('no event is lost across a restart', () => {
  it('deliveries waiting for a retry when Kassa stops are made after it starts again', async () => {
    const store = await webhookStore(world, 'Restart shop', account++);
    const receiver = await Receiver.start();
    try {
      const endpoint = await createEndpoint(world, store, `${receiver.url}/hooks`);
      await receiver.down();
      const invoices = [];
      for (let i = 0; i < 10; i++) invoices.push(await createInvoice(world, store));
      await until(async () => {
        const list = await deliveries(world, store, endpoint.id);
        return list.length === 10 && list.every((d) => d.attemptCount === 1);
      }, 'ten failed first attempts');

      await world.restart();
      await receiver.up();
      await makeWebhookJobsDue(world.sql);
      const delivered = await allDelivered(store, endpoint.id, 10);
      expect(new Set(receiver.received.map((r) => JSON.parse(r.body).data.invoiceId))).toEqual(
        new Set(invoices.map((i) => i.id)),
      );
      expect(receiver.eventIds()).toEqual(new Set(delivered.map((d) => d.event.id)));
    } finally {
      await receiver.down();
    }
  });

  it('an attempt cut short by the stop is made again after the start, and nothing is recorded for it', async () => {
    const store = await webhookStore(world, 'Interrupted shop', account++);
    let holding = true;
    const receiver = await Receiver.start(() =>
      holding ? { status: 200, body: 'ok', delayMs: 60_000 } : { status: 200, body: 'ok' },
    );
    try {
      const endpoint = await createEndpoint(world, store, `${receiver.url}/hooks`);
      const invoice = await createInvoice(world, store);
      await until(async () => receiver.received.length === 1, 'the first attempt in flight');

      const stopping = Date.now();
      await world.kassa.stop();
      // The stop did not wait for the receiver (nor for the 10 s attempt timeout).
      expect(Date.now() - stopping).toBeLessThan(5_000);
      const { rows } = await world.sql.query(
        `SELECT status::text, "attemptCount" FROM "WebhookDelivery" WHERE "endpointId" = $1`,
        [endpoint.id],
      );
      expect(rows).toEqual([{ status: 'PENDING', attemptCount: 0 }]);

      holding = false;
      await world.restart();
      // pg-boss retries the interrupted job after its retry delay; the test does not wait it out.
      await until(
        async () => (await makeWebhookJobsDue(world.sql)) >= 0 && receiver.received.length >= 2,
        'the retry',
      );
      const [delivery] = await allDelivered(store, endpoint.id, 1);
      expect(delivery.attemptCount).toBe(1);
      // At least once: the receiver saw the event twice, with the same event id both times.
      expect(receiver.received.map((r) => JSON.parse(r.body).data.invoiceId)).toEqual([
        invoice.id,
        invoice.id,
      ]);
      expect(receiver.eventIds().size).toBe(1);
    } finally {
      await receiver.down();
    }
  });

  it('events committed while no worker runs are delivered once one starts', async () => {
    const store = await webhookStore(world, 'Worker-less shop', account++);
    const receiver = await Receiver.start();
    try {
      const endpoint = await createEndpoint(world, store, `${receiver.url}/hooks`);
      await world.kassa.stop();
      world.env.KASSA_ROLE = 'api';
      await world.restart();
      const invoices = [];
      for (let i = 0; i < 5; i++) invoices.push(await createInvoice(world, store));
      const waiting = await deliveries(world, store, endpoint.id);
      expect(waiting.map((d) => [d.status, d.attemptCount])).toEqual(Array(5).fill(['PENDING', 0]));
      expect(receiver.received).toHaveLength(0);

      world.env.KASSA_ROLE = 'all';
      await world.restart();
      await allDelivered(store, endpoint.id, 5);
      expect(receiver.received).toHaveLength(5);
    } finally {
      world.env.KASSA_ROLE = 'all';
      await receiver.down();
    }
  });
});
