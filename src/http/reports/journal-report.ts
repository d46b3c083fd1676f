import { trimDecimal } from '../../domain/ledger-valuation.ts';
import { csvText } from './csv.ts';
import type { ReportContext } from './report-context.ts';
import { unitsOf } from './report-context.ts';
import type { CsvQuery } from './stream-csv.ts';

interface Row {
  entry_id: string;
  created_at: Date;
  kind: string;
  status: string;
  account: string;
  account_user_id: string | null;
  part: string;
  asset: string;
  amount: string;
  fiat_currency: string;
  rate: string | null;
  fiat_value: string | null;
  txid: string | null;
  output_index: number | null;
  payment_id: string | null;
  invoice_id: string | null;
  order_id: string | null;
  user_id: string | null;
  user_external_id: string | null;
  description: string;
}

/**
 * The journal, one line per row in posting order: each entry's rows share its id, date and
 * event, and their debits equal their credits. Filters: dates (posting time), asset, user.
 */
export function journalReport(ctx: ReportContext): CsvQuery<Row> {
  const { params } = ctx;
  return {
    header: [
      'entry_id',
      'created_at',
      'kind',
      'status',
      'account',
      'account_user_id',
      'part',
      'asset',
      'debit',
      'credit',
      'amount_smallest_units',
      'fiat_currency',
      'rate',
      'fiat_value',
      'txid',
      'output_index',
      'payment_id',
      'invoice_id',
      'order_id',
      'user_id',
      'user_external_id',
      'description',
    ],
    sql: `
      SELECT e.id::text AS entry_id, e."createdAt" AS created_at, e.kind::text AS kind, e.status::text AS status,
        a.code::text AS account, a."userId" AS account_user_id, l.part::text AS part, e.asset,
        l.amount::text AS amount, e."fiatCurrency" AS fiat_currency, e.rate::text AS rate,
        l."fiatValue"::text AS fiat_value, p.txid, p."outputIndex" AS output_index, e."paymentId" AS payment_id,
        e."invoiceId" AS invoice_id, i."orderId" AS order_id, e."userId" AS user_id, u."externalId" AS user_external_id,
        e.description
      FROM "JournalEntry" e
      JOIN "JournalLine" l ON l."entryId" = e.id
      JOIN "LedgerAccount" a ON a.id = l."accountId"
      LEFT JOIN "Payment" p ON p.id = e."paymentId"
      LEFT JOIN "Invoice" i ON i.id = e."invoiceId"
      LEFT JOIN "User" u ON u.id = e."userId"
      WHERE e."storeId" = $1 AND e."createdAt" >= $2 AND e."createdAt" < $3
        AND ($4::text IS NULL OR e.asset = $4) AND ($5::uuid IS NULL OR e."userId" = $5)
      ORDER BY e.id, l.id`,
    params: [ctx.storeId, params.from, params.to, params.asset, params.userId],
    toRecord: (r) => {
      const amount = BigInt(r.amount);
      return [
        r.entry_id,
        r.created_at,
        r.kind,
        r.status,
        r.account,
        r.account_user_id,
        r.part,
        r.asset,
        amount > 0n ? unitsOf(ctx, r.asset, amount) : '0',
        amount < 0n ? unitsOf(ctx, r.asset, -amount) : '0',
        r.amount,
        r.fiat_currency,
        r.rate === null ? null : trimDecimal(r.rate),
        r.fiat_value === null ? null : trimDecimal(r.fiat_value),
        r.txid,
        r.output_index,
        r.payment_id,
        r.invoice_id,
        csvText(r.order_id),
        r.user_id,
        csvText(r.user_external_id),
        csvText(r.description),
      ];
    },
  };
}
