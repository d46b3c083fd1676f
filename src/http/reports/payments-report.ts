import { trimDecimal } from '../../domain/ledger-valuation.ts';
import { csvText } from './csv.ts';
import { type ReportContext, unitsOf } from './report-context.ts';
import type { CsvQuery } from './stream-csv.ts';

interface Row {
  payment_id: string;
  seen_at: Date;
  confirmed_at: Date | null;
  chain: string;
  txid: string;
  output_index: number;
  address: string;
  asset: string;
  amount: string;
  status: string;
  confirmations: number;
  required_confirmations: number;
  invoice_id: string | null;
  order_id: string | null;
  user_id: string | null;
  user_external_id: string | null;
  fiat_currency: string | null;
  rate: string | null;
  fiat_value: string | null;
}

/**
 * Payments first seen in the period, with their status now (PENDING, CONFIRMED = validated,
 * REVERSED) and their value at the rate the journal used for them.
 */
export function paymentsReport(ctx: ReportContext): CsvQuery<Row> {
  const { params } = ctx;
  return {
    header: [
      'payment_id',
      'seen_at',
      'confirmed_at',
      'chain',
      'txid',
      'output_index',
      'address',
      'asset',
      'amount',
      'amount_smallest_units',
      'status',
      'confirmations',
      'required_confirmations',
      'invoice_id',
      'order_id',
      'user_id',
      'user_external_id',
      'fiat_currency',
      'rate',
      'fiat_value',
    ],
    sql: `
      SELECT p.id AS payment_id, p."seenAt" AS seen_at, p."confirmedAt" AS confirmed_at, p.chain, p.txid,
        p."outputIndex" AS output_index, p.address, p.asset, p.amount::text AS amount, p.status::text AS status,
        p.confirmations, p."requiredConfirmations" AS required_confirmations, p."invoiceId" AS invoice_id,
        i."orderId" AS order_id, COALESCE(p."userId", i."userId") AS user_id, u."externalId" AS user_external_id,
        v."fiatCurrency" AS fiat_currency, v.rate::text AS rate, v."fiatValue"::text AS fiat_value
      FROM "Payment" p
      LEFT JOIN "Invoice" i ON i.id = p."invoiceId"
      LEFT JOIN "User" u ON u.id = COALESCE(p."userId", i."userId")
      LEFT JOIN LATERAL (
        SELECT e."fiatCurrency", e.rate, e."fiatValue" FROM "JournalEntry" e
        WHERE e."paymentId" = p.id AND e.rate IS NOT NULL ORDER BY e.seq LIMIT 1
      ) v ON true
      WHERE p."storeId" = $1 AND p."seenAt" >= $2 AND p."seenAt" < $3
        AND ($4::text IS NULL OR p.asset = $4) AND ($5::uuid IS NULL OR COALESCE(p."userId", i."userId") = $5)
      ORDER BY p."seenAt", p.id`,
    params: [ctx.storeId, params.from, params.to, params.asset, params.userId],
    toRecord: (r) => [
      r.payment_id,
      r.seen_at,
      r.confirmed_at,
      r.chain,
      r.txid,
      r.output_index,
      r.address,
      r.asset,
      unitsOf(ctx, r.asset, r.amount),
      r.amount,
      r.status,
      r.confirmations,
      r.required_confirmations,
      r.invoice_id,
      csvText(r.order_id),
      r.user_id,
      csvText(r.user_external_id),
      r.fiat_currency,
      r.rate === null ? null : trimDecimal(r.rate),
      r.fiat_value === null ? null : trimDecimal(r.fiat_value),
    ],
  };
}
