import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookEndpointDocument,
  UpdateWebhookEndpointDocument,
} from '../graphql/generated/graphql.ts';
import { expectCode, run } from '../support/graphql-client.ts';
import { Receiver } from './support/receiver.ts';
import {
  api,
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
let store: TestStore;

beforeAll(async () => {
  // The default configuration: private addresses are refused.
  world = await startWebhookWorld({ KASSA_WEBHOOK_ALLOW_PRIVATE: 'false' });
  receiver = await Receiver.start();
  store = await webhookStore(world, 'SSRF shop', 0);
});

afterAll(async () => {
  await receiver?.down();
  await world?.stop();
});

const create = (url: string) =>
  run(api(world, store), CreateWebhookEndpointDocument, { input: { url, events: ['*'] } });

describe('webhook URLs that reach non-public addresses are refused by default', () => {
  it.each([
    ['loopback', () => `${receiver.url}/hooks`, '127.0.0.1'],
    ['loopback, by the name localhost', () => `http://localhost:${receiver.port}/hooks`, undefined],
    ['loopback, in hex', () => 'http://0x7f000001/', '127.0.0.1'],
    ['private 10/8', () => 'http://10.1.2.3/hooks', '10.1.2.3'],
    ['private 172.16/12', () => 'https://172.20.0.5/', '172.20.0.5'],
    ['private 192.168/16', () => 'http://192.168.1.1:8080/', '192.168.1.1'],
    ['link-local (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/', '100.64.0.1'],
    ['unspecified', () => 'http://0.0.0.0:4000/', '0.0.0.0'],
    ['multicast', () => 'http://224.0.0.1/', '224.0.0.1'],
    ['IPv6 loopback', () => 'http://[::1]:4000/', '::1'],
    ['IPv6 unique local', () => 'http://[fc00::1]/', 'fc00::1'],
    ['IPv6 unique local fd', () => 'http://[fd12:3456::1]/', 'fd12:3456::1'],
    ['IPv6 link-local', () => 'http://[fe80::1]/', 'fe80::1'],
    ['IPv6 unspecified', () => 'http://[::]/', '::'],
    ['IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['IPv4-mapped IPv6 private', () => 'http://[::ffff:10.0.0.1]/', '::ffff:a00:1'],
  ])('%s', async (_what, url, address) => {
    const error = await expectCode(create(url()), 'VALIDATION');
    expect(error.extensions).toMatchObject({ field: 'url', reason: 'private-address' });
    if (address) expect(error.extensions?.address).toBe(address);
    expect(error.message).toMatch(/webhooks go to public addresses only/);
  });

  it('refuses a URL change to a private address too, and URLs that are no http(s) URL', async () => {
    await expectCode(create('ftp://example.com/hooks'), 'VALIDATION');
    await expectCode(create('not a url'), 'VALIDATION');
    await expectCode(create('https://example.com/hooks#fragment'), 'VALIDATION');
    const [row] = (
      await world.sql.query(
        `INSERT INTO "WebhookEndpoint" (id, "storeId", url, events, secret, "createdAt")
         VALUES ($1, $2, 'https://hooks.example.com/', '{*}', 'kassa_whsec_x', now()) RETURNING id`,
        [randomUUID(), store.id],
      )
    ).rows;
    const error = await expectCode(
      run(api(world, store), UpdateWebhookEndpointDocument, {
        id: row.id,
        input: { url: 'http://10.0.0.8/' },
      }),
      'VALIDATION',
    );
    expect(error.extensions?.reason).toBe('private-address');
    await world.sql.query(`UPDATE "WebhookEndpoint" SET "deletedAt" = now() WHERE id = $1`, [row.id]);
  });

  it('checks again at delivery time: an endpoint whose host now resolves to a private address gets nothing', async () => {
    // As if the name had resolved to a public address at creation and to 127.0.0.1 since.
    const endpointId = randomUUID();
    await world.sql.query(
      `INSERT INTO "WebhookEndpoint" (id, "storeId", url, events, secret, "createdAt")
       VALUES ($1, $2, $3, '{*}', 'kassa_whsec_x', now())`,
      [endpointId, store.id, `http://localhost:${receiver.port}/rebound`],
    );
    const invoice = await createInvoice(world, store, { notificationUrl: `${receiver.url}/notify` });
    const log = await until(async () => {
      const list = await deliveries(world, store);
      return list.length === 2 && list.every((d) => d.status !== 'PENDING') ? list : undefined;
    }, 'both deliveries to end');
    for (const delivery of log) {
      expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 1 });
      expect(delivery.attempts[0]).toMatchObject({ responseStatus: null, outcome: 'FAILED' });
      expect(delivery.attempts[0].error).toMatch(/resolves to (127\.0\.0\.1|::1), a loopback address/);
    }
    expect(log.map((d) => d.endpointId).sort()).toEqual([endpointId, null].sort());
    expect(JSON.parse(log[0].event.body).data.invoiceId).toBe(invoice.id);
    expect(receiver.received).toHaveLength(0);
    await world.sql.query(`UPDATE "WebhookEndpoint" SET "deletedAt" = now() WHERE id = $1`, [endpointId]);
  });
});
