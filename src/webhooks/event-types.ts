/** Every event type a webhook endpoint can subscribe to (SPEC: Webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'invoice.created',
  'invoice.payment_detected',
  'invoice.processing',
  'invoice.settled',
  'invoice.expired',
  'invoice.invalid',
  'invoice.paid_late',
  'deposit.detected',
  'deposit.confirmed',
  'deposit.reversed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes an endpoint to every type, including types added in later versions. */
export const ALL_EVENTS = '*';

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** Does an endpoint subscribed to `events` receive `type`? */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
