import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RedeliverWebhookDocument,
  UpdateWebhookEndpointDocument,
  WebhookEndpointsDocument,
} from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import { Receiver } from './support/receiver.ts';
import {
  api,
  createEndpoint,
  createInvoice,
  deliveries,
  makeWebhookJobsDue,
  OffsetClock,
  startWebhookWorld,
  until,
  untilAttempted,
  type WebhookWorld,
  webhookStore,
} from './support/webhook-world.ts';

const HOUR = 3_600_000;
const clock = new OffsetClock();
let world: WebhookWorld;
let receiver: Receiver;
let account = 0;
const newStore = (name: string) => webhookStore(world, name, account++);
/** Per path, the statuses to answer in turn (the last one repeats). */
const script = new Map<string, number[]>();

beforeAll(async () => {
  // A 1 s attempt timeout keeps the timeout case short; the rest is driven by Kassa's clock.
  world = await startWebhookWorld({ KASSA_WEBHOOK_TIMEOUT_SECONDS: '1' }, { now: clock.now });
  receiver = await Receiver.start((request) => {
    const statuses = script.get(request.path) ?? [200];
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
    if (status === 0) return { status: 200, body: 'too late', delayMs: 2_000 };
    return { status, body: status === 200 ? 'ok' : `status ${status}` };
  });
});

afterAll(async () => {
  await receiver?.down();
  await world?.stop();
});

async function onlyDelivery(store: Parameters<typeof deliveries>[1], endpointId: string) {
  const list = await deliveries(world, store, endpointId);
  expect(list).toHaveLength(1);
  return list[0];
}

/** The pg-boss job waiting to make attempt `attempt` of a delivery: its start time. */
async function waitingJobStart(deliveryId: string, attempt: number): Promise<Date | undefined> {
  const { rows } = await world.sql.query<{ start_after: Date }>(
    `SELECT start_after FROM pgboss.job WHERE name = 'webhook.deliver' AND state IN ('created', 'retry')
       AND data->>'deliveryId' = $1 AND (data->>'attempt')::int = $2`,
    [deliveryId, attempt],
  );
  return rows[0]?.start_after;
}

describe('retries', () => {
  it('500s are retried on the backoff schedule for 3 days; then the delivery fails and the endpoint is disabled', async () => {
    script.set('/always-500', [500]);
    const store = await newStore('Failing shop');
    const endpoint = await createEndpoint(world, store, `${receiver.url}/always-500`);
    await createInvoice(world, store);
    let delivery = await until(async () => {
      const list = await deliveries(world, store, endpoint.id);
      return list[0]?.attemptCount === 1 ? list[0] : undefined;
    }, 'the first attempt');
    const createdAt = new Date(delivery.createdAt).getTime();

    for (let attempt = 1; attempt <= 6; attempt++) {
      const last = delivery.attempts[attempt - 1];
      expect(last).toMatchObject({
        number: attempt,
        responseStatus: 500,
        responseExcerpt: 'status 500',
        outcome: 'RETRYING',
      });
      expect(delivery.status).toBe('PENDING');
      const next = new Date(delivery.nextAttemptAt!).getTime();
      const gap = next - new Date(last.startedAt).getTime();
      const base = 10_000 * 2 ** (attempt - 1);
      expect(gap).toBeGreaterThanOrEqual(base * 0.8 - 5);
      expect(gap).toBeLessThanOrEqual(base * 1.2 + 5);
      // The job waits for exactly that time; nothing runs before it (the test only moves it).
      expect((await waitingJobStart(delivery.id, attempt + 1))?.getTime()).toBe(next);
      clock.set(new Date(next));
      expect(await makeWebhookJobsDue(world.sql)).toBe(1);
      await untilAttempted(world.sql, delivery.id, attempt + 1);
      delivery = await onlyDelivery(store, endpoint.id);
      expect(new Date(delivery.attempts[attempt].startedAt).getTime() - next).toBeLessThan(5_000);
    }

    // Three days after the event, the next attempt would fall outside the retry window.
    clock.set(new Date(createdAt + 72 * HOUR + 1_000));
    await makeWebhookJobsDue(world.sql);
    await untilAttempted(world.sql, delivery.id, 8);
    delivery = await onlyDelivery(store, endpoint.id);
    expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 8, nextAttemptAt: null });
    expect(delivery.attempts.map((a) => a.outcome)).toEqual([...Array(7).fill('RETRYING'), 'FAILED']);
    expect(await waitingJobStart(delivery.id, 9)).toBeUndefined();
    expect(receiver.received.filter((r) => r.path === '/always-500')).toHaveLength(8);

    // No success for 3 days: the endpoint is disabled, says why, and gets no new deliveries.
    const { webhookEndpoints } = await run(api(world, store), WebhookEndpointsDocument);
    expect(webhookEndpoints[0]).toMatchObject({ id: endpoint.id, enabled: false });
    expect(webhookEndpoints[0].disabledReason).toMatch(
      /no successful delivery since .* \(last attempt: HTTP 500\)/,
    );
    expect(new Date(webhookEndpoints[0].failingSince!).getTime()).toBe(
      new Date(delivery.attempts[0].startedAt).getTime(),
    );
    await createInvoice(world, store);
    expect(await deliveries(world, store, endpoint.id)).toHaveLength(1);
    expect(delivery.status).toBe('FAILED');

    // The receiver is fixed: a redelivery goes out even to the disabled endpoint, as a check.
    script.set('/always-500', [200]);
    const { redeliverWebhook } = await run(api(world, store), RedeliverWebhookDocument, {
      deliveryId: delivery.id,
    });
    await untilAttempted(world.sql, redeliverWebhook.id, 1);
    const checked = await run(api(world, store), WebhookEndpointsDocument);
    expect(checked.webhookEndpoints[0]).toMatchObject({ enabled: false, failingSince: null });

    // Enabled again: new events flow.
    const { updateWebhookEndpoint } = await run(api(world, store), UpdateWebhookEndpointDocument, {
      id: endpoint.id,
      input: { enabled: true },
    });
    expect(updateWebhookEndpoint.endpoint).toMatchObject({
      enabled: true,
      disabledAt: null,
      failingSince: null,
    });
    await createInvoice(world, store);
    await until(async () => {
      const list = await deliveries(world, store, endpoint.id);
      return list.length === 3 && list[0].status === 'DELIVERED';
    }, 'a delivery to the re-enabled endpoint');
    clock.set(new Date());
  });

  it.each([
    [408, 'HTTP 408'],
    [429, 'HTTP 429'],
    [503, 'HTTP 503'],
    [0, 'a timeout'],
  ])('%s (%s) is retried, and the retry succeeds', async (status) => {
    const path = `/once-${status}`;
    script.set(path, [status, 200]);
    const store = await newStore(`Retrying shop ${status}`);
    const endpoint = await createEndpoint(world, store, `${receiver.url}${path}`);
    await createInvoice(world, store);
    const [first] = await until(async () => {
      const list = await deliveries(world, store, endpoint.id);
      return list[0]?.attemptCount === 1 ? list : undefined;
    }, 'the first attempt');
    expect(first.attempts[0].outcome).toBe('RETRYING');
    if (status === 0) {
      expect(first.attempts[0]).toMatchObject({ responseStatus: null, error: 'timed out after 1000 ms' });
      expect(first.attempts[0].durationMs).toBeGreaterThanOrEqual(1000);
    } else {
      expect(first.attempts[0].responseStatus).toBe(status);
    }
    await makeWebhookJobsDue(world.sql);
    await untilAttempted(world.sql, first.id, 2);
    const delivery = await onlyDelivery(store, endpoint.id);
    expect(delivery).toMatchObject({ status: 'DELIVERED', attemptCount: 2 });
    expect(delivery.attempts[1]).toMatchObject({ responseStatus: 200, outcome: 'SUCCEEDED' });
  });

  it('a receiver that is down, then up, receives everything', async () => {
    const store = await newStore('Down-then-up shop');
    const flaky = await Receiver.start();
    try {
      const endpoint = await createEndpoint(world, store, `${flaky.url}/hooks`);
      await flaky.down();
      const invoices = [];
      for (let i = 0; i < 5; i++) invoices.push(await createInvoice(world, store));
      const failed = await until(async () => {
        const list = await deliveries(world, store, endpoint.id);
        return list.length === 5 && list.every((d) => d.attemptCount === 1) ? list : undefined;
      }, 'five failed first attempts');
      for (const d of failed) {
        expect(d.status).toBe('PENDING');
        expect(d.attempts[0]).toMatchObject({ responseStatus: null, outcome: 'RETRYING' });
        expect(d.attempts[0].error).toMatch(/^connection failed: ECONNREFUSED/);
      }

      await flaky.up();
      await makeWebhookJobsDue(world.sql);
      await until(async () => flaky.received.length >= 5, 'five deliveries after the receiver came back');
      const got = [...flaky.received].map((r) => JSON.parse(r.body).data.invoiceId).sort();
      expect(got).toEqual(invoices.map((i) => i.id).sort());
      expect(flaky.eventIds()).toEqual(new Set(failed.map((d) => d.event.id)));
      const after = await until(async () => {
        const list = await deliveries(world, store, endpoint.id);
        return list.every((d) => d.status === 'DELIVERED') ? list : undefined;
      }, 'all delivered');
      expect(after.map((d) => d.attemptCount)).toEqual([2, 2, 2, 2, 2]);
    } finally {
      await flaky.down();
    }
  });
});
