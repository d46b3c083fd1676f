import { runSql, type SqlTx } from '../db/sql-tx.ts';

/** What an invoice event tells about its invoice at the time of the event. */
export interface InvoiceSnapshot {
  id: string;
  orderId: string | null;
  status: string;
  exceptionStatus: string;
  price: string;
  currency: string;
  metadata: unknown;
  notificationUrl: string | null;
}

/** What a payment or deposit event tells about its on-chain credit. */
export interface PaymentSnapshot {
  id: string;
  chain: string;
  asset: string;
  address: string;
  txid: string;
  outputIndex: number;
  /** Smallest units of `asset`, as a decimal string. */
  amount: string;
  status: string;
  confirmations: number;
  requiredConfirmations: number;
  userId: string | null;
  externalId: string | null;
}

/** Reads, in the event's own transaction, the invoices and payments the events name. */
export async function loadSnapshots(tx: SqlTx, invoiceIds: string[], paymentIds: string[]) {
  const invoices = new Map<string, InvoiceSnapshot>();
  const payments = new Map<string, PaymentSnapshot>();
  if (invoiceIds.length > 0) {
    const rows = await runSql<InvoiceSnapshot>(
      tx,
      `SELECT id, "orderId", status::text AS status, "exceptionStatus"::text AS "exceptionStatus",
              trim_scale(price)::text AS price, currency, metadata, "notificationUrl"
       FROM "Invoice" WHERE id = ANY($1::text[])`,
      [invoiceIds],
    );
    for (const row of rows) invoices.set(row.id, row);
  }
  if (paymentIds.length > 0) {
    const rows = await runSql<PaymentSnapshot>(
      tx,
      `SELECT p.id::text AS id, p.chain, p.asset, p.address, p.txid, p."outputIndex", p.amount::text AS amount,
              p.status::text AS status, p.confirmations, p."requiredConfirmations",
              p."userId"::text AS "userId", u."externalId"
       FROM "Payment" p LEFT JOIN "User" u ON u.id = p."userId"
       WHERE p.id = ANY($1::uuid[])`,
      [paymentIds],
    );
    for (const row of rows) payments.set(row.id, row);
  }
  return { invoices, payments };
}

/**
 * The `data` of an event body: the ids its cause gave, plus the facts a merchant backend acts
 * on (order id, status, amounts), so that most receivers need no call back to Kassa. Still,
 * the current state is always one `invoice(id)` query away, and the data is as of the event.
 */
export function eventData(
  type: string,
  given: Record<string, unknown>,
  invoice: InvoiceSnapshot | undefined,
  payment: PaymentSnapshot | undefined,
): Record<string, unknown> {
  if (type.startsWith('deposit.')) {
    if (!payment) return { ...given };
    const { id, userId, externalId, ...facts } = payment;
    return { ...given, paymentId: id, userId, externalId, ...facts };
  }
  const data: Record<string, unknown> = { ...given };
  if (invoice) {
    data.invoiceId = invoice.id;
    data.orderId = invoice.orderId;
    data.status = invoice.status;
    data.exceptionStatus = invoice.exceptionStatus;
    data.price = invoice.price;
    data.currency = invoice.currency;
    data.metadata = invoice.metadata;
  }
  if (payment) {
    const { userId: _userId, externalId: _externalId, ...facts } = payment;
    data.payment = facts;
  }
  return data;
}
