import { type AccountRef, accountRefKey, LEDGER_ACCOUNT_CODES, type LedgerPart } from './ledger-accounts.ts';
import { type Allocation, allocateSettledInvoice } from './ledger-allocation.ts';
import type { PaymentStatus } from './payment-status.ts';

/*
 * Posting rules (docs/ledger.md): pure functions from what a payment and its invoice are now,
 * and what the journal already holds for the payment, to the entries still to post.
 *
 * A payment in a given status has a *position*: the postings it contributes to the ledger
 *   PENDING    Dr WALLET/pending    amount   Cr <owner>/pending    amount
 *   CONFIRMED  Dr WALLET/confirmed  amount   Cr <owner>/confirmed  amount
 *              (owner of a confirmed payment of a SETTLED invoice: SALES up to the price,
 *               OVERPAYMENTS for the rest)
 *   REVERSED   nothing
 * where <owner> is USER_BALANCE of the user (a deposit), INVOICE_RECEIPTS (an invoice payment)
 * or UNATTRIBUTED. Every event is an entry worth position(after) − position(before), so
 * - each entry balances, because both positions do;
 * - the entries of a payment always add up to its current position, whatever order or
 *   repetition events arrive in (a reorg, a double-spend, a payment revived by a block);
 * - posting the same change twice posts nothing the second time: the difference is empty.
 * A change of status walks through the named steps (none → CONFIRMED is "detected" then
 * "confirmed"), so the move from pending to confirmed is always its own entry.
 */

export const JOURNAL_ENTRY_KINDS = [
  'PAYMENT_DETECTED',
  'PAYMENT_CONFIRMED',
  'PAYMENT_UNCONFIRMED',
  'PAYMENT_REVERSED',
  'DEPOSIT_DETECTED',
  'DEPOSIT_CONFIRMED',
  'DEPOSIT_UNCONFIRMED',
  'DEPOSIT_REVERSED',
  'INVOICE_SETTLED',
  'INVOICE_UNSETTLED',
] as const;
export type JournalEntryKind = (typeof JOURNAL_ENTRY_KINDS)[number];

/** One line of an entry: signed smallest units, debit positive. */
export interface Posting {
  account: AccountRef;
  part: LedgerPart;
  amount: bigint;
}

export interface LedgerPayment {
  id: string;
  asset: string;
  /** Smallest units, ≥ 0. */
  amount: bigint;
  status: PaymentStatus;
  invoiceId: string | null;
  /** The deposit's owner (null for invoice payments). */
  userId: string | null;
  seenAt: Date;
}

export interface LedgerInvoice {
  id: string;
  /** SETTLED, by its payments or marked by hand. */
  settled: boolean;
  monitoringEndsAt: Date;
  methods: ReadonlyArray<{ asset: string; amountDue: bigint }>;
}

export interface PlannedEntry {
  paymentId: string;
  kind: JournalEntryKind;
  /** The payment's status once the entry is posted. */
  status: PaymentStatus;
  postings: Posting[];
}

const WALLET: AccountRef = { code: 'WALLET', userId: null };
const SALES: AccountRef = { code: 'SALES', userId: null };
const OVERPAYMENTS: AccountRef = { code: 'OVERPAYMENTS', userId: null };

/** Whose a payment's money is while it is not revenue. */
export function ownerAccountOf(payment: Pick<LedgerPayment, 'invoiceId' | 'userId'>): AccountRef {
  if (payment.invoiceId) return { code: 'INVOICE_RECEIPTS', userId: null };
  if (payment.userId) return { code: 'USER_BALANCE', userId: payment.userId };
  return { code: 'UNATTRIBUTED', userId: null };
}

/**
 * The postings a payment contributes in `status` (null: never seen). `allocation` applies to a
 * CONFIRMED payment of a settled invoice.
 *
 * @example
 * paymentPosition({ id: 'p', asset: 'BTC', amount: 5n, status: 'PENDING', invoiceId: null, userId: 'u', seenAt }, 'PENDING');
 * // [{ WALLET PENDING 5n }, { USER_BALANCE(u) PENDING -5n }]
 */
export function paymentPosition(
  payment: LedgerPayment,
  status: PaymentStatus | null,
  allocation?: Allocation,
): Posting[] {
  if (status === null || status === 'REVERSED' || payment.amount <= 0n) return [];
  const postings: Posting[] = [{ account: WALLET, part: status, amount: payment.amount }];
  if (status === 'CONFIRMED' && allocation) {
    if (allocation.sales !== 0n) postings.push({ account: SALES, part: status, amount: -allocation.sales });
    if (allocation.overpaid !== 0n)
      postings.push({ account: OVERPAYMENTS, part: status, amount: -allocation.overpaid });
  } else {
    postings.push({ account: ownerAccountOf(payment), part: status, amount: -payment.amount });
  }
  return postings;
}

/** The status a position stands for: which part of WALLET holds the payment, if any. */
export function positionStatus(position: readonly Posting[]): 'PENDING' | 'CONFIRMED' | null {
  const total = { PENDING: 0n, CONFIRMED: 0n };
  for (const p of position) if (p.account.code === 'WALLET') total[p.part] += p.amount;
  if (total.CONFIRMED !== 0n) return 'CONFIRMED';
  if (total.PENDING !== 0n) return 'PENDING';
  return null;
}

/** Sums postings per (account, part), dropping zeros, in a stable order. */
export function netPostings(postings: readonly Posting[]): Posting[] {
  const byKey = new Map<string, Posting>();
  for (const p of postings) {
    const key = `${accountRefKey(p.account)}:${p.part}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, amount: seen.amount + p.amount } : { ...p });
  }
  return [...byKey.values()].filter((p) => p.amount !== 0n).sort(comparePostings);
}

/** target − current, per (account, part). */
export function differencePostings(target: readonly Posting[], current: readonly Posting[]): Posting[] {
  return netPostings([...target, ...current.map((p) => ({ ...p, amount: -p.amount }))]);
}

type Step = 'DETECTED' | 'CONFIRMED' | 'UNCONFIRMED' | 'REVERSED';
const STEP_STATUS: Record<Step, PaymentStatus> = {
  DETECTED: 'PENDING',
  CONFIRMED: 'CONFIRMED',
  UNCONFIRMED: 'PENDING',
  REVERSED: 'REVERSED',
};

/** The named steps from what the journal holds to the payment's status now. */
function stepsBetween(from: 'PENDING' | 'CONFIRMED' | null, to: PaymentStatus): Step[] {
  if (to === 'REVERSED') return from === null ? [] : ['REVERSED'];
  if (to === 'PENDING') return from === null ? ['DETECTED'] : from === 'CONFIRMED' ? ['UNCONFIRMED'] : [];
  return from === null ? ['DETECTED', 'CONFIRMED'] : from === 'PENDING' ? ['CONFIRMED'] : [];
}

/**
 * The entries that bring one payment's journal (`posted`: the sum of its entries so far) to
 * its current status. `allocation` is its split when it is a confirmed payment of a settled
 * invoice. Returns [] when the journal is already up to date.
 */
export function planPaymentEntries(
  payment: LedgerPayment,
  posted: readonly Posting[],
  allocation?: Allocation,
): PlannedEntry[] {
  const family = payment.userId && !payment.invoiceId ? 'DEPOSIT' : 'PAYMENT';
  const entries: PlannedEntry[] = [];
  let running = netPostings(posted);
  for (const step of stepsBetween(positionStatus(running), payment.status)) {
    const status = STEP_STATUS[step];
    const target = paymentPosition(payment, status, status === 'CONFIRMED' ? allocation : undefined);
    const postings = differencePostings(target, running);
    if (postings.length > 0)
      entries.push({ paymentId: payment.id, kind: `${family}_${step}`, status, postings });
    running = target;
  }
  // Same status, different owner: the invoice was settled, unsettled, or its split moved.
  const postings = differencePostings(paymentPosition(payment, payment.status, allocation), running);
  if (postings.length > 0) {
    const kind = allocation ? 'INVOICE_SETTLED' : 'INVOICE_UNSETTLED';
    entries.push({ paymentId: payment.id, kind, status: payment.status, postings });
  }
  return entries;
}

/**
 * Every entry still to post for `payments` (each with its invoice in `invoices` when it has
 * one; a settled invoice's split needs all of its payments here). Deterministic: payments in id
 * order, steps in order.
 */
export function planLedgerEntries(input: {
  payments: readonly LedgerPayment[];
  posted: ReadonlyMap<string, readonly Posting[]>;
  invoices: ReadonlyMap<string, LedgerInvoice>;
}): PlannedEntry[] {
  const allocations = new Map<string, Allocation>();
  for (const invoice of input.invoices.values()) {
    if (!invoice.settled) continue;
    const confirmed = input.payments.filter((p) => p.invoiceId === invoice.id && p.status === 'CONFIRMED');
    for (const [id, allocation] of allocateSettledInvoice(invoice, confirmed))
      allocations.set(id, allocation);
  }
  const ordered = [...input.payments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.flatMap((p) => planPaymentEntries(p, input.posted.get(p.id) ?? [], allocations.get(p.id)));
}

const CODE_ORDER = new Map(LEDGER_ACCOUNT_CODES.map((c, i) => [c, i]));

function comparePostings(a: Posting, b: Posting): number {
  const byCode = (CODE_ORDER.get(a.account.code) ?? 0) - (CODE_ORDER.get(b.account.code) ?? 0);
  if (byCode !== 0) return byCode;
  const ua = a.account.userId ?? '';
  const ub = b.account.userId ?? '';
  if (ua !== ub) return ua < ub ? -1 : 1;
  return a.part === b.part ? 0 : a.part === 'PENDING' ? -1 : 1;
}
