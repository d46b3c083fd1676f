import type { SqlTx } from '../db/sql-tx.ts';
import { type EventInput, publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import {
  enqueueWebhookEvents,
  type WebhookEventInput,
  type WebhookOutbox,
} from '../webhooks/enqueue-webhook-events.ts';
import { isWebhookEventType } from '../webhooks/event-types.ts';

/** Invoice event types, as webhooks and subscriptions name them. */
export type InvoiceEventType =
  | 'invoice.created'
  | 'invoice.payment_detected'
  | 'invoice.payment_confirmed'
  | 'invoice.processing'
  | 'invoice.settled'
  | 'invoice.expired'
  | 'invoice.invalid'
  | 'invoice.paid_late'
  | 'invoice.paid_partial'
  | 'invoice.paid_over'
  | 'invoice.marked';

type InvoiceRef = { id: string; storeId: string; notificationUrl?: string | null };

/**
 * Records invoice events in the caller's transaction: one row for the invoice's own
 * subscribers and one for the store-wide stream. Payloads carry ids and the type; subscribers
 * re-read the invoice, so they always see committed, current data.
 */
export async function publishInvoiceEvents(
  outbox: WebhookOutbox,
  tx: SqlTx,
  invoice: InvoiceRef,
  types: readonly InvoiceEventType[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (types.length === 0) return;
  await enqueueWebhookEvents(outbox, tx, invoiceWebhookEvents(invoice, types, extra));
  await publishEvents(tx, invoiceBusEvents(invoice, types, extra));
}

/** The bus rows of invoice events (createInvoice writes them inside its own statement). */
export function invoiceBusEvents(
  invoice: InvoiceRef,
  types: readonly InvoiceEventType[],
  extra: Record<string, unknown> = {},
): EventInput[] {
  return types.flatMap((type) => {
    const payload = { type, invoiceId: invoice.id, ...extra };
    return [
      { topic: topics.invoice(invoice.id), storeId: invoice.storeId, payload },
      { topic: topics.storeInvoices(invoice.storeId), storeId: invoice.storeId, payload },
    ];
  });
}

/** The webhook outbox's inputs for invoice events (only the types merchants can receive). */
export function invoiceWebhookEvents(
  invoice: InvoiceRef,
  types: readonly InvoiceEventType[],
  extra: Record<string, unknown> = {},
): WebhookEventInput[] {
  return types
    .filter((type) => isWebhookEventType(type))
    .map((type) => ({
      storeId: invoice.storeId,
      type,
      data: { invoiceId: invoice.id, ...extra },
      notificationUrl: invoice.notificationUrl,
    }));
}
