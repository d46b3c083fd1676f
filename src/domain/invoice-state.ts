import { parseUnits } from './decimal-units.ts';
import { KassaError, ValidationError } from './errors.ts';
import type { PaymentStatus } from './payment-status.ts';

/*
 * The invoice state transition: a pure, total function of (invoice, payments, now). Everything
 * else (watchers, jobs, the markInvoice mutation) gathers facts, calls it, and stores what it
 * returns together with the events, in one database transaction.
 *
 * Rules (BTCPay Server's InvoiceWatcher model, extended):
 *  1. Counted payments: not REVERSED, amount > 0, in an asset the invoice offers, and seen before
 *     monitoringEndsAt. Later payments are still recorded (and credited) elsewhere but never move
 *     the invoice. Payments in several assets add up as fractions of the invoice: an asset's
 *     share is floor(Σ counted amounts in it × 1e9 ÷ its amountDue) parts per billion.
 *  2. Paid in full: at least one counted payment and paidFraction ≥ 1 − tolerance%. Paid over:
 *     paidFraction > 1 (by at least one ppb; dust below that is not an overpayment).
 *  3. NEW, paid in full by payments seen before expiresAt (pending counts) → PROCESSING, with
 *     PAID_OVER when paid over, else NONE. The watcher may run late: what matters is when the
 *     payment was seen, not when we noticed.
 *  4. NEW, not paid in full: at/after expiresAt → EXPIRED; either way PAID_PARTIAL while a
 *     payment seen before expiresAt is counted, NONE otherwise (a reversed partial payment is as
 *     if never made; a payment seen after the deadline is a late one, see rule 5).
 *  5. EXPIRED, paid in full → PROCESSING with PAID_LATE (events paid_late, processing), unless
 *     the payments seen before expiresAt already paid in full (a rescan found an in-time
 *     payment): then as rule 3. Not paid in full: PAID_PARTIAL while anything is counted.
 *  6. PROCESSING: when the CONFIRMED counted payments alone pay in full → SETTLED, keeping the
 *     exception. (BTCPay's rule; it lets a stuck extra payment not hold up the merchant's order.)
 *     While PROCESSING, NONE and PAID_OVER follow the counted total (an RBF replacement may
 *     remove an overpayment); PAID_LATE stays.
 *  7. PROCESSING or SETTLED whose counted payments no longer pay in full (a counted payment was
 *     REVERSED: reorged away or double-spent) → INVALID, keeping the exception. An RBF fee bump
 *     reverses the old payment but its replacement is counted, so it changes nothing.
 *  8. Terminal: INVALID; anything with exception MARKED (set by hand via markInvoice); SETTLED,
 *     except for rule 7. The exception of a SETTLED invoice no longer changes.
 * Several rules may apply in one call (a watcher that was down finds a late payment already
 * confirmed): they are applied until nothing changes, and the events of every step are returned
 * in order, exception event before status event. Applying the function to its own result with
 * the same facts therefore changes nothing.
 */

export const INVOICE_STATUSES = ['NEW', 'PROCESSING', 'SETTLED', 'EXPIRED', 'INVALID'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const EXCEPTION_STATUSES = ['NONE', 'PAID_PARTIAL', 'PAID_OVER', 'PAID_LATE', 'MARKED'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export const INVOICE_EVENT_TYPES = [
  'invoice.processing',
  'invoice.settled',
  'invoice.expired',
  'invoice.invalid',
  'invoice.paid_late',
  'invoice.paid_partial',
  'invoice.paid_over',
] as const;
export type InvoiceEventType = (typeof INVOICE_EVENT_TYPES)[number];

export interface InvoiceFacts {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
  createdAt: Date;
  expiresAt: Date;
  monitoringEndsAt: Date;
  /** "0" to "100", decimal: how much less than the price still counts as paid in full. */
  paymentTolerancePercent: string;
  methods: Array<{ asset: string; amountDue: bigint }>;
}

export interface PaymentFact {
  id: string;
  asset: string;
  amount: bigint;
  status: PaymentStatus;
  seenAt: Date;
}

export interface InvoiceTransition {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
  /** Counted payments as parts per billion of the invoice (1e9 = exactly paid); see rule 1. */
  paidFractionPpb: bigint;
  /** Σ counted payment amounts per offered asset, smallest units. */
  amountPaidByAsset: Record<string, bigint>;
  /** What reaches the full price (tolerance aside) if the rest is paid in this asset, smallest units, ≥ 0. */
  remainingByAsset: Record<string, bigint>;
  events: InvoiceEventType[];
  changed: boolean;
}

export type InvoiceMark = Pick<InvoiceTransition, 'status' | 'exceptionStatus' | 'events' | 'changed'>;

/** One billion: paidFractionPpb of an invoice paid exactly. */
export const PPB = 1_000_000_000n;

const VALID_EXCEPTIONS: Record<InvoiceStatus, readonly ExceptionStatus[]> = {
  NEW: ['NONE', 'PAID_PARTIAL'],
  EXPIRED: ['NONE', 'PAID_PARTIAL'],
  PROCESSING: ['NONE', 'PAID_OVER', 'PAID_LATE'],
  SETTLED: ['NONE', 'PAID_OVER', 'PAID_LATE', 'MARKED'],
  INVALID: ['NONE', 'PAID_OVER', 'PAID_LATE', 'MARKED'],
};

/**
 * Can an invoice be in this (status, exceptionStatus) pair? The transition functions only
 * produce these pairs from these pairs.
 *
 * @example
 * isValidStatusPair('PROCESSING', 'PAID_LATE'); // true
 * isValidStatusPair('NEW', 'PAID_OVER'); // false
 */
export function isValidStatusPair(status: InvoiceStatus, exceptionStatus: ExceptionStatus): boolean {
  return VALID_EXCEPTIONS[status]?.includes(exceptionStatus) ?? false;
}

/**
 * The paidFractionPpb an invoice needs to count as paid in full: 1e9 × (1 − tolerance%).
 * Throws ValidationError for a tolerance outside 0..100 or with more than 7 decimals (finer than
 * one ppb): such a value can only come from a corrupted row, and guessing would move money.
 *
 * @example
 * paidInFullThresholdPpb('0'); // 1000000000n
 * paidInFullThresholdPpb('1.5'); // 985000000n
 */
export function paidInFullThresholdPpb(paymentTolerancePercent: string): bigint {
  // 1% of 1e9 ppb is 1e7 ppb, so the percentage with 7 decimals is exactly the ppb count.
  const tolerancePpb = parseUnits(paymentTolerancePercent, 7, 'paymentTolerancePercent');
  if (tolerancePpb > 100n * 10_000_000n)
    throw new ValidationError('paymentTolerancePercent', 'must be at most 100');
  return PPB - tolerancePpb;
}

/**
 * The invoice's next state given every payment recorded for it, and the events to emit (only
 * for what changed). See the rules at the top of this file.
 *
 * @example
 * const invoice = { status: 'NEW', exceptionStatus: 'NONE', createdAt, expiresAt, monitoringEndsAt,
 *   paymentTolerancePercent: '0', methods: [{ asset: 'BTC', amountDue: 30754n }] };
 * nextInvoiceState(invoice, [{ id: 'p1', asset: 'BTC', amount: 30754n, status: 'PENDING', seenAt }], now);
 * // { status: 'PROCESSING', exceptionStatus: 'NONE', paidFractionPpb: 1000000000n,
 * //   amountPaidByAsset: { BTC: 30754n }, remainingByAsset: { BTC: 0n },
 * //   events: ['invoice.processing'], changed: true }
 */
export function nextInvoiceState(
  invoice: InvoiceFacts,
  payments: PaymentFact[],
  now: Date,
): InvoiceTransition {
  const t = tally(invoice, payments);
  const threshold = paidInFullThresholdPpb(invoice.paymentTolerancePercent);
  const full = (s: Share) => s.count > 0 && s.ppb >= threshold;
  const over = (s: Share): ExceptionStatus => (s.ppb > PPB ? 'PAID_OVER' : 'NONE');
  const partial = (s: Share): ExceptionStatus => (s.count > 0 ? 'PAID_PARTIAL' : 'NONE');
  const expired = !(now.getTime() < invoice.expiresAt.getTime());

  const step = (s: State): State => {
    if (s.exceptionStatus === 'MARKED') return s;
    switch (s.status) {
      case 'NEW':
        if (full(t.inTime)) return { status: 'PROCESSING', exceptionStatus: over(t.all) };
        return { status: expired ? 'EXPIRED' : 'NEW', exceptionStatus: partial(t.inTime) };
      case 'EXPIRED':
        if (full(t.inTime)) return { status: 'PROCESSING', exceptionStatus: over(t.all) };
        if (full(t.all)) return { status: 'PROCESSING', exceptionStatus: 'PAID_LATE' };
        return { status: 'EXPIRED', exceptionStatus: partial(t.all) };
      case 'PROCESSING': {
        if (!full(t.all)) return { status: 'INVALID', exceptionStatus: s.exceptionStatus };
        const exceptionStatus = s.exceptionStatus === 'PAID_LATE' ? 'PAID_LATE' : over(t.all);
        return { status: full(t.confirmed) ? 'SETTLED' : 'PROCESSING', exceptionStatus };
      }
      case 'SETTLED':
        return full(t.all) ? s : { status: 'INVALID', exceptionStatus: s.exceptionStatus };
      default:
        return s; // INVALID, and anything unknown, never moves
    }
  };

  const start: State = { status: invoice.status, exceptionStatus: invoice.exceptionStatus };
  let state = start;
  const events: InvoiceEventType[] = [];
  // Each step moves forward along NEW → EXPIRED → PROCESSING → SETTLED → INVALID or only fixes
  // the exception, so a fixed point comes within a few steps; the bound keeps the function total.
  for (let i = 0; i < 8; i++) {
    const next = step(state);
    if (next.status === state.status && next.exceptionStatus === state.exceptionStatus) break;
    events.push(...stepEvents(state, next));
    state = next;
  }

  const amountPaidByAsset: Record<string, bigint> = {};
  const remainingByAsset: Record<string, bigint> = {};
  for (const [asset, due] of t.due) {
    const paid = t.paidByAsset.get(asset) ?? 0n;
    amountPaidByAsset[asset] = paid;
    // What the other assets leave to this one, converted rounding up, minus what was paid in it:
    // paying exactly this reaches paid in full, and one unit less does not. Working from the
    // other assets' shares (not from the total) keeps a single-asset remainder exact.
    const leftPpb = PPB - (t.all.ppb - (t.all.byAsset.get(asset) ?? 0n));
    const owed = due > 0n && leftPpb > 0n ? (leftPpb * due + PPB - 1n) / PPB : 0n;
    remainingByAsset[asset] = owed > paid ? owed - paid : 0n;
  }

  return {
    ...state,
    paidFractionPpb: t.all.ppb,
    amountPaidByAsset,
    remainingByAsset,
    events,
    changed: state.status !== start.status || state.exceptionStatus !== start.exceptionStatus,
  };
}

/**
 * The transition for marking an invoice SETTLED or INVALID by hand (the merchant settled it
 * off-chain, or refuses it). Allowed from every status, including NEW, EXPIRED and INVALID, as
 * long as the invoice is not marked yet; marking again with the same target changes nothing
 * (a retried mutation), marking a marked invoice the other way is a CONFLICT: a mark is final.
 * `now` is unused today; it keeps every transition's signature alike.
 *
 * @example
 * markInvoice({ status: 'EXPIRED', exceptionStatus: 'PAID_PARTIAL' }, 'SETTLED', now);
 * // { status: 'SETTLED', exceptionStatus: 'MARKED', events: ['invoice.settled'], changed: true }
 */
export function markInvoice(
  invoice: Pick<InvoiceFacts, 'status' | 'exceptionStatus'>,
  target: 'SETTLED' | 'INVALID',
  _now: Date,
): InvoiceMark {
  if (target !== 'SETTLED' && target !== 'INVALID')
    throw new ValidationError('status', 'an invoice can only be marked SETTLED or INVALID', { target });
  if (invoice.exceptionStatus === 'MARKED') {
    if (invoice.status === target)
      return { status: target, exceptionStatus: 'MARKED', events: [], changed: false };
    throw new KassaError('CONFLICT', `the invoice was already marked ${invoice.status}`, {
      details: { status: invoice.status, target },
    });
  }
  const events: InvoiceEventType[] =
    invoice.status === target ? [] : [target === 'SETTLED' ? 'invoice.settled' : 'invoice.invalid'];
  return { status: target, exceptionStatus: 'MARKED', events, changed: true };
}

interface State {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
}

interface Share {
  ppb: bigint;
  count: number;
  byAsset: Map<string, bigint>;
}

const STATUS_EVENTS: Partial<Record<InvoiceStatus, InvoiceEventType>> = {
  PROCESSING: 'invoice.processing',
  SETTLED: 'invoice.settled',
  EXPIRED: 'invoice.expired',
  INVALID: 'invoice.invalid',
};

const EXCEPTION_EVENTS: Partial<Record<ExceptionStatus, InvoiceEventType>> = {
  PAID_PARTIAL: 'invoice.paid_partial',
  PAID_OVER: 'invoice.paid_over',
  PAID_LATE: 'invoice.paid_late',
};

function stepEvents(from: State, to: State): InvoiceEventType[] {
  const events: InvoiceEventType[] = [];
  const exceptionEvent = EXCEPTION_EVENTS[to.exceptionStatus];
  if (to.exceptionStatus !== from.exceptionStatus && exceptionEvent) events.push(exceptionEvent);
  const statusEvent = STATUS_EVENTS[to.status];
  if (to.status !== from.status && statusEvent) events.push(statusEvent);
  return events;
}

/** The counted payments' shares: all of them, those seen before expiresAt, and the CONFIRMED ones. */
function tally(invoice: InvoiceFacts, payments: readonly PaymentFact[]) {
  const due = new Map<string, bigint>();
  for (const m of invoice.methods) if (!due.has(m.asset)) due.set(m.asset, m.amountDue);
  const expiresAt = invoice.expiresAt.getTime();
  const monitoringEndsAt = invoice.monitoringEndsAt.getTime();

  type Part = 'all' | 'inTime' | 'confirmed';
  const sums: Record<Part, Map<string, bigint>> = { all: new Map(), inTime: new Map(), confirmed: new Map() };
  const counts: Record<Part, number> = { all: 0, inTime: 0, confirmed: 0 };
  const add = (key: Part, p: PaymentFact) => {
    sums[key].set(p.asset, (sums[key].get(p.asset) ?? 0n) + p.amount);
    counts[key]++;
  };
  for (const p of payments) {
    const seenAt = p.seenAt.getTime();
    if (p.status === 'REVERSED' || p.amount <= 0n || !due.has(p.asset) || !(seenAt < monitoringEndsAt))
      continue;
    add('all', p);
    if (seenAt < expiresAt) add('inTime', p);
    if (p.status === 'CONFIRMED') add('confirmed', p);
  }
  // Shares are summed per asset before rounding down, so an exact amount paid in several
  // transactions of one asset is exactly 1e9 ppb, never 1 ppb short.
  const share = (key: Part): Share => {
    let ppb = 0n;
    const byAsset = new Map<string, bigint>();
    for (const [asset, paid] of sums[key]) {
      const d = due.get(asset) ?? 0n;
      const part = d > 0n ? (paid * PPB) / d : 0n;
      byAsset.set(asset, part);
      ppb += part;
    }
    return { ppb, count: counts[key], byAsset };
  };
  return {
    due,
    paidByAsset: sums.all,
    all: share('all'),
    inTime: share('inTime'),
    confirmed: share('confirmed'),
  };
}
