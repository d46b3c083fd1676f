import { ValidationError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';

export interface ReportParams {
  /** Inclusive lower bound of the report's dates. */
  from: Date;
  /** Exclusive upper bound. */
  to: Date;
  /** Balances report: balances as they stood at this instant (inclusive). */
  asOf: Date;
  asset: string | null;
  userId: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ASSET = /^[A-Z][A-Z0-9_]{1,19}$/;
/** Postgres timestamptz's range is wider; these bounds just keep "no bound" representable. */
const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T00:00:00Z');

/**
 * Reads `from`, `to`, `as_of`, `asset` and `user_id` from a report URL. Dates are UTC days
 * (`2026-01-31`, meaning its midnight) or ISO 8601 date-times with a zone; a zone-less time
 * would be read in the server's zone, which is never what a bookkeeper means.
 */
export function parseReportParams(search: URLSearchParams, now: Date): ReportParams {
  const asset = search.get('asset');
  if (asset !== null && !ASSET.test(asset)) throw new ValidationError('asset', 'is not an asset code');
  const userId = search.get('user_id');
  if (userId !== null && !isUuid(userId)) throw new ValidationError('user_id', 'is not a user id');
  const from = instant(search, 'from') ?? EARLIEST;
  const to = instant(search, 'to') ?? LATEST;
  if (from >= to) throw new ValidationError('to', 'must be after from');
  return { from, to, asOf: instant(search, 'as_of') ?? now, asset, userId };
}

function instant(search: URLSearchParams, name: string): Date | null {
  const value = search.get(name);
  if (value === null || value === '') return null;
  const text = DAY.test(value) ? `${value}T00:00:00Z` : value;
  const date = DATE_TIME.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new ValidationError(name, 'must be a UTC date (2026-01-31) or an ISO 8601 date-time with a zone');
  return date;
}
