import type { EventInput } from '../events/publish.ts';
import { runSql, type SqlTx } from './sql-tx.ts';

export interface NewInvoice {
  id: string;
  storeId: string;
  orderId: string | null;
  requestHash: string;
  /** Decimal strings. */
  price: string;
  currency: string;
  description: string | null;
  metadata: unknown;
  userId: string | null;
  redirectUrl: string | null;
  notificationUrl: string | null;
  paymentTolerancePercent: string;
  expiresAt: Date;
  monitoringEndsAt: Date;
  createdAt: Date;
}

export interface NewPaymentMethod {
  id: string;
  asset: string;
  chain: string;
  addressId: string;
  address: string;
  amountDue: bigint;
  rate: string | null;
  rateSource: string | null;
  paymentUri: string;
}

// One statement (one round trip, one plan kept per connection): the invoice, its payment
// methods and its bus events. It also answers whether the store has webhook endpoints, so a
// store without any skips the outbox's reads.
const INSERT_INVOICE = `
WITH invoice AS (
  INSERT INTO "Invoice" (id, "storeId", "orderId", "requestHash", price, currency, description, metadata,
    "userId", "redirectUrl", "notificationUrl", "paymentTolerancePercent", "expiresAt", "monitoringEndsAt",
    "createdAt", "updatedAt")
  VALUES ($1, $2::uuid, $3, $4, $5::numeric, $6, $7, $8::jsonb, $9::uuid, $10, $11, $12::numeric,
    $13::timestamptz, $14::timestamptz, $15::timestamptz, $15::timestamptz)
  RETURNING id
), methods AS (
  INSERT INTO "PaymentMethod" (id, "invoiceId", asset, chain, "addressId", address, "amountDue", rate,
    "rateSource", "paymentUri")
  SELECT m.id, invoice.id, m.asset, m.chain, m.address_id, m.address, m.amount_due, m.rate, m.rate_source, m.uri
  FROM invoice, unnest($16::uuid[], $17::text[], $18::text[], $19::uuid[], $20::text[], $21::numeric[],
    $22::numeric[], $23::text[], $24::text[])
    AS m(id, asset, chain, address_id, address, amount_due, rate, rate_source, uri)
  RETURNING 1
), events AS (
  INSERT INTO "Event" (topic, "storeId", payload)
  SELECT e.topic, e.store_id, e.payload FROM unnest($25::text[], $26::uuid[], $27::jsonb[]) AS e(topic, store_id, payload)
  RETURNING 1
)
SELECT (SELECT count(*)::int FROM methods) AS methods,
  EXISTS (SELECT 1 FROM "WebhookEndpoint" e
          WHERE e."storeId" = $2::uuid AND e."deletedAt" IS NULL AND e."disabledAt" IS NULL)
    AS "hasWebhookEndpoints"`;

/**
 * Writes a new invoice with its payment methods (their addresses already allocated in `tx`)
 * and its bus events. Returns whether the store has any webhook endpoint.
 * A repeated orderId fails with the unique violation of ("storeId", "orderId").
 */
export async function insertInvoice(
  tx: SqlTx,
  invoice: NewInvoice,
  methods: readonly NewPaymentMethod[],
  events: readonly EventInput[],
): Promise<{ hasWebhookEndpoints: boolean }> {
  const [row] = await runSql<{ methods: number; hasWebhookEndpoints: boolean }>(
    tx,
    INSERT_INVOICE,
    [
      invoice.id,
      invoice.storeId,
      invoice.orderId,
      invoice.requestHash,
      invoice.price,
      invoice.currency,
      invoice.description,
      invoice.metadata == null ? null : JSON.stringify(invoice.metadata),
      invoice.userId,
      invoice.redirectUrl,
      invoice.notificationUrl,
      invoice.paymentTolerancePercent,
      invoice.expiresAt,
      invoice.monitoringEndsAt,
      invoice.createdAt,
      methods.map((m) => m.id),
      methods.map((m) => m.asset),
      methods.map((m) => m.chain),
      methods.map((m) => m.addressId),
      methods.map((m) => m.address),
      methods.map((m) => m.amountDue.toString()),
      methods.map((m) => m.rate),
      methods.map((m) => m.rateSource),
      methods.map((m) => m.paymentUri),
      events.map((e) => e.topic),
      events.map((e) => e.storeId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
    { prepare: true },
  );
  if (row.methods !== methods.length)
    throw new Error(`invoice ${invoice.id}: wrote ${row.methods} of ${methods.length} payment methods`);
  return { hasWebhookEndpoints: row.hasWebhookEndpoints };
}
