import { randomUUID } from 'node:crypto';
import { runSql, type SqlTx } from '../db/sql-tx.ts';
import { isUuid } from '../domain/ids.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { deliveryGroup } from './delivery-group.ts';
import { eventData, type InvoiceSnapshot, loadSnapshots, type PaymentSnapshot } from './event-data.ts';
import { subscribes } from './event-types.ts';

/** A business event merchants can receive as a webhook. */
export interface WebhookEventInput {
  storeId: string;
  /** e.g. invoice.settled, deposit.confirmed (SPEC: Webhooks). */
  type: string;
  /** The subject's ids and facts; the delivery body's `data` (completed from the database). */
  data: Record<string, unknown>;
  /**
   * An invoice's own notificationUrl, which receives that invoice's events too. `undefined`
   * means "not known here": it is read from the invoice named by `data.invoiceId`.
   */
  notificationUrl?: string | null;
}

/** What the outbox needs of a running Kassa: the job queue (in the same transaction) and the clock. */
export interface WebhookOutbox {
  jobs: Pick<JobQueue, 'sendMany'>;
  now: () => Date;
}

interface EndpointRow {
  id: string;
  storeId: string;
  events: string[];
}

/**
 * Writes webhook events to the durable outbox in the caller's transaction, so a webhook exists
 * if and only if its cause committed: one event row per event (its id is the stable event id
 * receivers deduplicate on), one delivery row per recipient (each subscribed, enabled endpoint
 * of the store, and the invoice's notificationUrl), and one delivery job per delivery. Events
 * nobody receives are not stored.
 */
export async function enqueueWebhookEvents(
  outbox: WebhookOutbox,
  tx: SqlTx,
  events: readonly WebhookEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  const storeIds = [...new Set(events.map((e) => e.storeId))];
  const endpoints = await runSql<EndpointRow>(
    tx,
    `SELECT id::text AS id, "storeId"::text AS "storeId", events FROM "WebhookEndpoint"
     WHERE "storeId" = ANY($1::uuid[]) AND "deletedAt" IS NULL AND "disabledAt" IS NULL`,
    [storeIds],
  );
  const endpointsFor = (e: WebhookEventInput) =>
    endpoints.filter((ep) => ep.storeId === e.storeId && subscribes(ep.events, e.type));
  const mayNotifyUrl = (e: WebhookEventInput) =>
    e.type.startsWith('invoice.') && typeof e.data.invoiceId === 'string' && e.notificationUrl !== null;
  const candidates = events.filter((e) => endpointsFor(e).length > 0 || mayNotifyUrl(e));
  if (candidates.length === 0) return;

  const { invoices, payments } = await loadSnapshots(
    tx,
    unique(candidates.map((e) => stringField(e.data, 'invoiceId'))),
    unique(candidates.map((e) => stringField(e.data, 'paymentId'))).filter(isUuid),
  );
  const createdAt = outbox.now();
  const eventRows: Array<{ id: string; storeId: string; type: string; body: string }> = [];
  const deliveryRows: Array<{
    id: string;
    eventId: string;
    storeId: string;
    endpointId: string | null;
    url: string | null;
  }> = [];
  for (const e of candidates) {
    const invoice: InvoiceSnapshot | undefined = invoices.get(stringField(e.data, 'invoiceId') ?? '');
    const payment: PaymentSnapshot | undefined = payments.get(stringField(e.data, 'paymentId') ?? '');
    const notificationUrl = mayNotifyUrl(e) ? (e.notificationUrl ?? invoice?.notificationUrl ?? null) : null;
    const recipients = endpointsFor(e);
    if (recipients.length === 0 && !notificationUrl) continue;
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      type: e.type,
      createdAt: createdAt.toISOString(),
      storeId: e.storeId,
      data: eventData(e.type, e.data, invoice, payment),
    });
    eventRows.push({ id, storeId: e.storeId, type: e.type, body });
    for (const endpoint of recipients)
      deliveryRows.push({
        id: randomUUID(),
        eventId: id,
        storeId: e.storeId,
        endpointId: endpoint.id,
        url: null,
      });
    if (notificationUrl)
      deliveryRows.push({
        id: randomUUID(),
        eventId: id,
        storeId: e.storeId,
        endpointId: null,
        url: notificationUrl,
      });
  }
  if (eventRows.length === 0) return;

  // Events and their deliveries in one statement (one round trip).
  await runSql(
    tx,
    `WITH events AS (
       INSERT INTO "WebhookEvent" (id, "storeId", type, body, "createdAt")
       SELECT id, "storeId", type, body, $1::timestamptz
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS t(id, "storeId", type, body)
       RETURNING id)
     INSERT INTO "WebhookDelivery" (id, "eventId", "storeId", "endpointId", url, "nextAttemptAt", "createdAt")
     SELECT t.id, t."eventId", t."storeId", t."endpointId", t.url, $1::timestamptz, $1::timestamptz
     FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::uuid[], $10::text[])
          AS t(id, "eventId", "storeId", "endpointId", url)`,
    [
      createdAt,
      eventRows.map((r) => r.id),
      eventRows.map((r) => r.storeId),
      eventRows.map((r) => r.type),
      eventRows.map((r) => r.body),
      deliveryRows.map((r) => r.id),
      deliveryRows.map((r) => r.eventId),
      deliveryRows.map((r) => r.storeId),
      deliveryRows.map((r) => r.endpointId),
      deliveryRows.map((r) => r.url),
    ],
  );
  await outbox.jobs.sendMany(
    'webhook.deliver',
    deliveryRows.map((d) => ({
      payload: { deliveryId: d.id, attempt: 1 },
      group: deliveryGroup(d.endpointId, d.url),
    })),
    { tx },
  );
}

function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' ? value : undefined;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
