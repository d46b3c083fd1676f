import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import type { BuildOptions } from '../../../src/app-builder.ts';
import {
  CreateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  type WebhookDeliveryFieldsFragment,
  WebhooksCreateInvoiceDocument,
} from '../../graphql/generated/graphql.ts';
import { makeStore, sqlPool, type TestStore, until } from '../../invoices/support.ts';
import { TEST_CHAINS_PATH } from '../../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { client, run } from '../../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../../support/kassa.ts';

export { until } from '../../invoices/support.ts';

/** A clock the app reads: the wall clock plus an offset the test moves (retry schedules, days). */
export class OffsetClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  /** Moves the clock so that it reads `at` now. */
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
  advanceMs(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A database of its own, Kassa on it (private addresses allowed unless said otherwise) and SQL. */
export interface WebhookWorld {
  db: TestDatabase;
  kassa: RunningKassa;
  sql: pg.Pool;
  env: Record<string, string>;
  options: BuildOptions;
  /** Stops Kassa and starts it again on the same database (a restart of every role). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWebhookWorld(
  env: Record<string, string> = {},
  options: BuildOptions = {},
): Promise<WebhookWorld> {
  const db = await createTestDatabase();
  const fullEnv = { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH, KASSA_WEBHOOK_ALLOW_PRIVATE: 'true', ...env };
  const world: WebhookWorld = {
    db,
    kassa: await startKassa(db.url, fullEnv, options),
    sql: sqlPool(db.url),
    env: fullEnv,
    options,
    async restart() {
      await world.kassa.stop();
      world.kassa = await startKassa(db.url, fullEnv, options);
    },
    async stop() {
      await world.sql.end();
      await world.kassa.stop();
      await db.drop();
    },
  };
  return world;
}

/** A store with an admin key and bitcoin + ethereum wallets of test-mnemonic account `account`. */
export function webhookStore(world: WebhookWorld, name: string, account: number): Promise<TestStore> {
  return makeStore(world.kassa, world.db.url, name, account);
}

/** The store's client on the Kassa running now (a restart changes the port). */
export const api = (world: WebhookWorld, store: TestStore): GraphQLClient =>
  client(world.kassa.graphqlUrl, store.secret);

export async function createEndpoint(
  world: WebhookWorld,
  store: TestStore,
  url: string,
  events: string[] = ['*'],
): Promise<{ id: string; secret: string }> {
  const { createWebhookEndpoint } = await run(api(world, store), CreateWebhookEndpointDocument, {
    input: { url, events, description: 'test receiver' },
  });
  return { id: createWebhookEndpoint.endpoint.id, secret: createWebhookEndpoint.secret };
}

export async function createInvoice(
  world: WebhookWorld,
  store: TestStore,
  input: { orderId?: string; notificationUrl?: string; price?: string } = {},
) {
  const { createInvoice } = await run(api(world, store), WebhooksCreateInvoiceDocument, {
    input: { price: input.price ?? '10', currency: 'EUR', ...input },
  });
  return createInvoice;
}

/** Every delivery of an endpoint (or of the store), newest first, through the API. */
export async function deliveries(
  world: WebhookWorld,
  store: TestStore,
  endpointId?: string,
): Promise<WebhookDeliveryFieldsFragment[]> {
  const { webhookDeliveries } = await run(api(world, store), WebhookDeliveriesDocument, {
    endpointId,
    first: 100,
  });
  return webhookDeliveries.edges.map((e) => e.node);
}

/**
 * Makes every waiting delivery job due now by the database clock (retries wait seconds to
 * hours): the schedule itself is asserted on the deliveries' nextAttemptAt, on Kassa's clock.
 */
export async function makeWebhookJobsDue(sql: pg.Pool): Promise<number> {
  const { rowCount } = await sql.query(
    `UPDATE pgboss.job SET start_after = now()
     WHERE name = 'webhook.deliver' AND state IN ('created', 'retry') AND start_after > now()`,
  );
  return rowCount ?? 0;
}

/** Waits until no delivery of the database is PENDING with an attempt count below `attempts`. */
export async function untilAttempted(sql: pg.Pool, deliveryId: string, attempts: number, timeoutMs = 15_000) {
  return until(
    async () => {
      const { rows } = await sql.query<{ attemptCount: number }>(
        `SELECT "attemptCount" FROM "WebhookDelivery" WHERE id = $1`,
        [deliveryId],
      );
      return (rows[0]?.attemptCount ?? 0) >= attempts;
    },
    `delivery ${deliveryId} to have ${attempts} attempts`,
    timeoutMs,
  );
}

export type { TestStore };
