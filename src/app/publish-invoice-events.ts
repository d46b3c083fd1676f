import type { Tx } from '../db/client.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';

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

/**
 * Records invoice events in the caller's transaction: one row for the invoice's own
 * subscribers and one for the store-wide stream. Payloads carry ids and the type; subscribers
 * re-read the invoice, so they always see committed, current data.
 */
export async function publishInvoiceEvents(
  tx: Tx,
  invoice: { id: string; storeId: string },
  types: readonly InvoiceEventType[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (types.length === 0) return;
  await publishEvents(
    tx,
    types.flatMap((type) => {
      const payload = { type, invoiceId: invoice.id, ...extra };
      return [
        { topic: topics.invoice(invoice.id), storeId: invoice.storeId, payload },
        { topic: topics.storeInvoices(invoice.storeId), storeId: invoice.storeId, payload },
      ];
    }),
  );
}
