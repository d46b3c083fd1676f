import { afterAll, beforeAll, expect, it } from 'vitest';
import { Receiver } from './support/receiver.ts';
import {
  createEndpoint,
  createInvoice,
  OffsetClock,
  startWebhookWorld,
  until,
  type WebhookWorld,
  webhookStore,
} from './support/webhook-world.ts';

const clock = new OffsetClock();
let world: WebhookWorld;
let receiver: Receiver;

beforeAll(async () => {
  world = await startWebhookWorld({}, { now: clock.now });
  receiver = await Receiver.start();
});

afterAll(async () => {
  await receiver?.down();
  await world?.stop();
});

it('the deadline sweep sends invoice.expired, to the endpoint and to the notificationUrl', async () => {
  const store = await webhookStore(world, 'Expiring shop', 0);
  await createEndpoint(world, store, `${receiver.url}/endpoint`, ['invoice.expired']);
  const invoice = await createInvoice(world, store, { notificationUrl: `${receiver.url}/notify` });
  await until(
    async () => receiver.received.some((r) => r.path === '/notify'),
    'invoice.created on the notificationUrl',
  );

  // The worker's deadline sweep expires it by Kassa's clock.
  clock.advanceMs(16 * 60_000);
  const expired = (path: string) =>
    until(
      async () =>
        receiver.received.find((r) => r.path === path && JSON.parse(r.body).type === 'invoice.expired'),
      `invoice.expired on ${path}`,
    );
  for (const path of ['/endpoint', '/notify']) {
    const body = JSON.parse((await expired(path)).body);
    expect(body.data).toMatchObject({ invoiceId: invoice.id, status: 'EXPIRED', exceptionStatus: 'NONE' });
    expect(new Date(body.createdAt).getTime() - Date.now()).toBeGreaterThan(15 * 60_000);
  }
  expect(receiver.received.filter((r) => r.path === '/endpoint').map((r) => JSON.parse(r.body).type)).toEqual(
    ['invoice.expired'],
  );
});
