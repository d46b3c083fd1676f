import type { EventInput } from '../events/publish.ts';
import { runSql, type SqlRunner } from './sql-tx.ts';

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

/** A payment method to write; its address comes from its wallet's pool in the same statement. */
export interface NewPaymentMethod {
  id: string;
  asset: string;
  chain: string;
  walletId: string;
  amountDue: bigint;
  rate: string | null;
  rateSource: string | null;
  /** The payment URI is `uriBefore + address + uriAfter`. */
  uriBefore: string;
  uriAfter: string;
}

export interface AllocatedAddress {
  id: string;
  walletId: string;
  address: string;
  derivationIndex: number;
  /** The wallet's next index to derive: how far the pool reaches above this address. */
  walletNextIndex: number;
}

export type InsertInvoiceResult =
  | { written: true; addresses: AllocatedAddress[]; hasWebhookEndpoints: boolean }
  /** Nothing was written: a wallet's pool was empty (walletIds) or the store has endpoints. */
  | { written: false; emptyWallets: string[]; hasWebhookEndpoints: boolean };

// One statement, so outside a transaction it is one round trip and its own atomic
// transaction: take the lowest FREE address of each wallet (SKIP LOCKED: concurrent creates
// never wait on one another, and the row lock plus the state change keep one address from two
// open invoices), then write the invoice, its payment methods and its bus events. It writes
// nothing when a wallet has no free address, or, when asked ($16), when the store has webhook
// endpoints: their outbox rows must be written in the same transaction, which the caller then
// opens. Foreign keys are checked at the end of the statement, by when the invoice exists.
//
// Rows are VALUES lists, one text per (wallets, methods, events) count, not unnest() of
// arrays: with the row counts in the text, Postgres's generic plan costs what a custom one
// does, so after five executions it keeps the generic plan instead of planning every call
// (planning was about a third of the statement's time).
const INVOICE_PARAMS = 16;

function insertInvoiceSql(wallets: number, methods: number, events: number): string {
  let n = INVOICE_PARAMS;
  const next = () => `$${++n}`;
  const walletList = Array.from({ length: wallets }, () => `${next()}::uuid`).join(', ');
  const methodRows = Array.from(
    { length: methods },
    () =>
      `(${next()}::uuid, ${next()}, ${next()}, ${next()}::uuid, ${next()}, ${next()}::numeric, ${next()}::numeric, ${next()}, ${next()})`,
  ).join(',\n    ');
  const eventRows = Array.from(
    { length: events },
    () => `(${next()}, ${next()}::uuid, ${next()}::jsonb)`,
  ).join(',\n    ');
  return `
WITH pick AS (
  SELECT free.id, w.id AS "walletId", w."nextIndex"
  FROM "Wallet" w
  CROSS JOIN LATERAL (
    SELECT f.id FROM "Address" f
    WHERE f."walletId" = w.id AND f.state = 'FREE'
    ORDER BY f."derivationIndex" LIMIT 1 FOR UPDATE SKIP LOCKED) AS free
  WHERE w.id IN (${walletList})
), listening AS (
  SELECT EXISTS (SELECT 1 FROM "WebhookEndpoint" e
                 WHERE e."storeId" = $2::uuid AND e."deletedAt" IS NULL AND e."disabledAt" IS NULL) AS yes
), go AS (
  SELECT (SELECT count(*) FROM pick) = ${wallets} AND NOT ($16::boolean AND (SELECT yes FROM listening)) AS ok
), taken AS (
  UPDATE "Address" a SET state = 'INVOICE', "invoiceId" = $1, "allocatedAt" = $15::timestamptz
  FROM pick, go
  WHERE go.ok AND a.id = pick.id
  RETURNING a.id, a."walletId", a.address, a."derivationIndex", pick."nextIndex"
), invoice AS (
  INSERT INTO "Invoice" (id, "storeId", "orderId", "requestHash", price, currency, description, metadata,
    "userId", "redirectUrl", "notificationUrl", "paymentTolerancePercent", "expiresAt", "monitoringEndsAt",
    "createdAt", "updatedAt")
  SELECT $1, $2::uuid, $3, $4, $5::numeric, $6, $7, $8::jsonb, $9::uuid, $10, $11, $12::numeric,
    $13::timestamptz, $14::timestamptz, $15::timestamptz, $15::timestamptz
  FROM go WHERE go.ok
  RETURNING id
), methods AS (
  INSERT INTO "PaymentMethod" (id, "invoiceId", asset, chain, "addressId", address, "amountDue", rate,
    "rateSource", "paymentUri")
  SELECT m.id, invoice.id, m.asset, m.chain, t.id, t.address, m.amount_due, m.rate, m.rate_source,
    m.uri_before || t.address || m.uri_after
  FROM invoice
  CROSS JOIN (VALUES
    ${methodRows})
    AS m(id, asset, chain, wallet_id, uri_before, amount_due, rate, rate_source, uri_after)
  JOIN taken t ON t."walletId" = m.wallet_id
  RETURNING 1
), events AS (
  INSERT INTO "Event" (topic, "storeId", payload)
  SELECT e.topic, e.store_id, e.payload
  FROM invoice, (VALUES
    ${eventRows}) AS e(topic, store_id, payload)
  RETURNING 1
)
SELECT go.ok AS written,
  (SELECT yes FROM listening) AS "hasWebhookEndpoints",
  (SELECT count(*)::int FROM methods) AS methods,
  ARRAY(SELECT "walletId"::text FROM pick) AS picked,
  (SELECT coalesce(json_agg(json_build_object('id', id, 'walletId', "walletId", 'address', address,
     'derivationIndex', "derivationIndex", 'walletNextIndex', "nextIndex")), '[]') FROM taken) AS addresses
FROM go`;
}

const statements = new Map<string, string>();

function insertInvoiceStatement(wallets: number, methods: number, events: number): string {
  const key = `${wallets}:${methods}:${events}`;
  let text = statements.get(key);
  if (!text) {
    text = insertInvoiceSql(wallets, methods, events);
    statements.set(key, text);
  }
  return text;
}

/**
 * Writes a new invoice with its payment methods, each given the next free address of its
 * wallet, and its bus events, in one statement. A repeated orderId fails with the unique
 * violation of ("storeId", "orderId") and writes nothing.
 *
 * `refuseIfWebhookEndpoints`: write only if the store has no webhook endpoint (for a caller
 * outside a transaction, which could not add the outbox rows).
 */
export async function insertInvoice(
  tx: SqlRunner,
  invoice: NewInvoice,
  methods: readonly NewPaymentMethod[],
  events: readonly EventInput[],
  options: { refuseIfWebhookEndpoints: boolean },
): Promise<InsertInvoiceResult> {
  const walletIds = [...new Set(methods.map((m) => m.walletId))];
  const values: unknown[] = [
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
    options.refuseIfWebhookEndpoints,
    ...walletIds,
  ];
  for (const m of methods)
    values.push(
      m.id,
      m.asset,
      m.chain,
      m.walletId,
      m.uriBefore,
      m.amountDue.toString(),
      m.rate,
      m.rateSource,
      m.uriAfter,
    );
  for (const e of events) values.push(e.topic, e.storeId, JSON.stringify(e.payload));
  const [row] = await runSql<{
    written: boolean;
    hasWebhookEndpoints: boolean;
    methods: number;
    picked: string[];
    addresses: AllocatedAddress[];
  }>(tx, insertInvoiceStatement(walletIds.length, methods.length, events.length), values, { prepare: true });
  if (!row.written)
    return {
      written: false,
      emptyWallets: walletIds.filter((id) => !row.picked.includes(id)),
      hasWebhookEndpoints: row.hasWebhookEndpoints,
    };
  if (row.methods !== methods.length)
    throw new Error(`invoice ${invoice.id}: wrote ${row.methods} of ${methods.length} payment methods`);
  return { written: true, addresses: row.addresses, hasWebhookEndpoints: row.hasWebhookEndpoints };
}
