import { type LedgerAccountCode, NORMAL_SIDE, normalBalance } from '../../domain/ledger-accounts.ts';
import { trimDecimal } from '../../domain/ledger-valuation.ts';
import { csvText } from './csv.ts';
import { type ReportContext, unitsOf } from './report-context.ts';
import type { CsvQuery } from './stream-csv.ts';

interface Row {
  account_id: string;
  account: LedgerAccountCode;
  user_id: string | null;
  user_external_id: string | null;
  asset: string;
  pending: string;
  confirmed: string;
  fiat_currency: string | null;
  fiat_value: string | null;
}

/**
 * Every account's balance as it stood at `as_of` (default: now), summed from the journal lines
 * posted up to then, so any past date can be reported. Amounts are shown positive on the
 * account's normal side (a user's balance, revenue). fiat_value is the sum of the lines' values
 * when posted (historic cost), empty when a line had no rate or the store changed currency.
 */
export function balancesReport(ctx: ReportContext): CsvQuery<Row> {
  const { params } = ctx;
  return {
    header: [
      'as_of',
      'account_id',
      'account',
      'normal_side',
      'user_id',
      'user_external_id',
      'asset',
      'pending',
      'confirmed',
      'total',
      'pending_smallest_units',
      'confirmed_smallest_units',
      'total_smallest_units',
      'fiat_currency',
      'fiat_value',
    ],
    sql: `
      SELECT a.id AS account_id, a.code::text AS account, a."userId" AS user_id, u."externalId" AS user_external_id,
        a.asset,
        COALESCE(sum(l.amount) FILTER (WHERE l.part = 'PENDING'), 0)::text AS pending,
        COALESCE(sum(l.amount) FILTER (WHERE l.part = 'CONFIRMED'), 0)::text AS confirmed,
        CASE WHEN count(DISTINCT e."fiatCurrency") = 1 THEN min(e."fiatCurrency") END AS fiat_currency,
        CASE WHEN count(DISTINCT e."fiatCurrency") = 1 AND count(l."fiatValue") = count(*)
          THEN sum(l."fiatValue")::text END AS fiat_value
      FROM "LedgerAccount" a
      JOIN "JournalLine" l ON l."accountId" = a.id AND l."createdAt" <= $2
      JOIN "JournalEntry" e ON e.id = l."entryId"
      LEFT JOIN "User" u ON u.id = a."userId"
      WHERE a."storeId" = $1 AND ($3::text IS NULL OR a.asset = $3) AND ($4::uuid IS NULL OR a."userId" = $4)
      GROUP BY a.id, u."externalId"
      ORDER BY a.code, a.asset, a."userId" NULLS FIRST, a.id`,
    params: [ctx.storeId, params.asOf, params.asset, params.userId],
    toRecord: (r) => {
      const pending = normalBalance(r.account, BigInt(r.pending));
      const confirmed = normalBalance(r.account, BigInt(r.confirmed));
      const fiat = r.fiat_value === null ? null : trimDecimal(r.fiat_value);
      return [
        params.asOf,
        r.account_id,
        r.account,
        NORMAL_SIDE[r.account],
        r.user_id,
        csvText(r.user_external_id),
        r.asset,
        unitsOf(ctx, r.asset, pending),
        unitsOf(ctx, r.asset, confirmed),
        unitsOf(ctx, r.asset, pending + confirmed),
        pending,
        confirmed,
        pending + confirmed,
        r.fiat_currency,
        fiat === null ? null : NORMAL_SIDE[r.account] === 'DEBIT' ? fiat : negate(fiat),
      ];
    },
  };
}

function negate(decimal: string): string {
  if (/^0(\.0*)?$/.test(decimal)) return decimal;
  return decimal.startsWith('-') ? decimal.slice(1) : `-${decimal}`;
}
