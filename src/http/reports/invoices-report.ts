import { fiatValueScaled, formatFiat, trimDecimal } from '../../domain/ledger-valuation.ts';
import { isFiatCurrency } from '../../domain/money-limits.ts';
import { csvText } from './csv.ts';
import { type ReportContext, unitsOf } from './report-context.ts';
import type { CsvQuery } from './stream-csv.ts';

interface Row {
  invoice_id: string;
  order_id: string | null;
  created_at: Date;
  expires_at: Date;
  status: string;
  exception_status: string;
  price: string;
  currency: string;
  user_id: string | null;
  user_external_id: string | null;
  asset: string;
  rate: string | null;
  amount_due: string;
  paid_confirmed: string;
  paid_pending: string;
}

/**
 * Invoices created in the period, one row per (invoice, payment method): the price, the amount
 * due in that asset at the locked rate, and what was received in it, confirmed and pending
 * (reversed payments excluded). An invoice offering several assets has one row per asset; the
 * price repeats on each.
 */
export function invoicesReport(ctx: ReportContext): CsvQuery<Row> {
  const { params } = ctx;
  return {
    header: [
      'invoice_id',
      'order_id',
      'created_at',
      'expires_at',
      'status',
      'exception_status',
      'price',
      'currency',
      'user_id',
      'user_external_id',
      'asset',
      'rate',
      'amount_due',
      'amount_due_smallest_units',
      'paid_confirmed',
      'paid_confirmed_smallest_units',
      'paid_pending',
      'paid_pending_smallest_units',
      'paid_confirmed_value',
    ],
    sql: `
      SELECT i.id AS invoice_id, i."orderId" AS order_id, i."createdAt" AS created_at, i."expiresAt" AS expires_at,
        i.status::text AS status, i."exceptionStatus"::text AS exception_status, i.price::text AS price, i.currency,
        i."userId" AS user_id, u."externalId" AS user_external_id, m.asset, m.rate::text AS rate,
        m."amountDue"::text AS amount_due,
        COALESCE(paid.confirmed, 0)::text AS paid_confirmed, COALESCE(paid.pending, 0)::text AS paid_pending
      FROM "Invoice" i
      JOIN "PaymentMethod" m ON m."invoiceId" = i.id
      LEFT JOIN "User" u ON u.id = i."userId"
      LEFT JOIN LATERAL (
        SELECT sum(p.amount) FILTER (WHERE p.status = 'CONFIRMED') AS confirmed,
               sum(p.amount) FILTER (WHERE p.status = 'PENDING') AS pending
        FROM "Payment" p WHERE p."invoiceId" = i.id AND p.asset = m.asset
      ) paid ON true
      WHERE i."storeId" = $1 AND i."createdAt" >= $2 AND i."createdAt" < $3
        AND ($4::text IS NULL OR m.asset = $4) AND ($5::uuid IS NULL OR i."userId" = $5)
      ORDER BY i."createdAt", i.id, m.asset`,
    params: [ctx.storeId, params.from, params.to, params.asset, params.userId],
    toRecord: (r) => {
      const decimals = ctx.decimalsOf(r.asset);
      const value =
        r.rate !== null && decimals !== undefined && isFiatCurrency(r.currency)
          ? formatFiat(fiatValueScaled(BigInt(r.paid_confirmed), decimals, r.rate))
          : null;
      return [
        r.invoice_id,
        csvText(r.order_id),
        r.created_at,
        r.expires_at,
        r.status,
        r.exception_status,
        trimDecimal(r.price),
        r.currency,
        r.user_id,
        csvText(r.user_external_id),
        r.asset,
        r.rate === null ? null : trimDecimal(r.rate),
        unitsOf(ctx, r.asset, r.amount_due),
        r.amount_due,
        unitsOf(ctx, r.asset, r.paid_confirmed),
        r.paid_confirmed,
        unitsOf(ctx, r.asset, r.paid_pending),
        r.paid_pending,
        value,
      ];
    },
  };
}
