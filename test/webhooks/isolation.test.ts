import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUE_POLICIES } from '../../src/jobs/queues.ts';
import { Receiver } from './support/receiver.ts';
import {
  createEndpoint,
  createInvoice,
  deliveries,
  startWebhookWorld,
  until,
  type WebhookWorld,
  webhookStore,
} from './support/webhook-world.ts';

let world: WebhookWorld;
let slow: Receiver;
let fast: Receiver;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  world = await startWebhookWorld();
  // Answers after 8 s (under the 10 s timeout): each attempt holds a worker that long.
  slow = await Receiver.start(() => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => inFlight--, 8_000);
    return { status: 200, body: 'ok', delayMs: 8_000 };
  });
  fast = await Receiver.start();
});

afterAll(async () => {
  await slow?.down();
  await fast?.down();
  await world?.stop();
});

it('a slow endpoint does not delay deliveries to another endpoint', { timeout: 60_000 }, async () => {
  const slowStore = await webhookStore(world, 'Slow shop', 0);
  const fastStore = await webhookStore(world, 'Fast shop', 1);
  await createEndpoint(world, slowStore, `${slow.url}/slow`);
  const fastEndpoint = await createEndpoint(world, fastStore, `${fast.url}/fast`);

  // The slow endpoint's backlog first: three times what its group may run at once.
  const perEndpoint = QUEUE_POLICIES['webhook.deliver'].groupConcurrency!;
  for (let i = 0; i < 3 * perEndpoint; i++) await createInvoice(world, slowStore);
  await until(async () => slow.received.length >= perEndpoint, 'the slow endpoint holding its slots');

  const committed = new Map<string, number>();
  for (let i = 0; i < 12; i++) {
    const invoice = await createInvoice(world, fastStore);
    committed.set(invoice.id, Date.now());
  }
  await until(async () => fast.received.length >= 12, 'every delivery to the fast endpoint', 5_000);
  const latencies = fast.received.map((r) => r.at - committed.get(JSON.parse(r.body).data.invoiceId)!);
  // Each event reached the fast endpoint within a second of its commit, while the slow endpoint's
  // first answers were still 8 s away.
  expect(Math.max(...latencies)).toBeLessThan(1_000);
  expect(slow.received.length).toBe(perEndpoint);
  expect(maxInFlight).toBe(perEndpoint);
  await until(async () => {
    const fastLog = await deliveries(world, fastStore, fastEndpoint.id);
    return fastLog.every((d) => d.status === 'DELIVERED' && d.attemptCount === 1);
  }, 'the fast deliveries recorded as delivered at the first attempt');
  expect(slow.received.length).toBe(perEndpoint);

  // The slow endpoint drains `perEndpoint` at a time.
  await until(async () => slow.received.length >= 2 * perEndpoint, 'the next slow deliveries', 20_000);
  expect(maxInFlight).toBe(perEndpoint);
});
