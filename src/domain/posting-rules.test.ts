import { describe, expect, it } from 'vitest';
import type { LedgerPart } from './ledger-accounts.ts';
import type { PaymentStatus } from './payment-status.ts';
import {
  type LedgerPayment,
  netPostings,
  type PlannedEntry,
  type Posting,
  planLedgerEntries,
  planPaymentEntries,
} from './posting-rules.ts';

const seenAt = new Date('2026-01-01T00:00:00Z');
const deposit = (status: PaymentStatus, amount = 500n): LedgerPayment => ({
  id: 'p1',
  asset: 'BTC',
  amount,
  status,
  invoiceId: null,
  userId: 'u1',
  seenAt,
});
const invoicePayment = (status: PaymentStatus, amount = 500n, id = 'p1', at = seenAt): LedgerPayment => ({
  id,
  asset: 'BTC',
  amount,
  status,
  invoiceId: 'inv',
  userId: null,
  seenAt: at,
});

/** Postings as "CODE[:user]/part amount" strings, the way docs/ledger.md writes them. */
const show = (postings: readonly Posting[]) =>
  postings.map(
    (p) => `${p.account.code}${p.account.userId ? `:${p.account.userId}` : ''}/${p.part} ${p.amount}`,
  );
const shape = (entries: readonly PlannedEntry[]) =>
  entries.map((e) => ({ kind: e.kind, status: e.status, postings: show(e.postings) }));
const sumOf = (entries: readonly PlannedEntry[]) => netPostings(entries.flatMap((e) => e.postings));
const balanced = (entries: readonly PlannedEntry[]) =>
  entries.every((e) => e.postings.reduce((s, p) => s + p.amount, 0n) === 0n);
const line = (
  code: Posting['account']['code'],
  part: LedgerPart,
  amount: bigint,
  userId: string | null = null,
) => ({
  account: { code, userId },
  part,
  amount,
});

describe('posting rules, one business event at a time', () => {
  it('user deposit detected: the user is owed it, pending', () => {
    const entries = planPaymentEntries(deposit('PENDING'), []);
    expect(shape(entries)).toEqual([
      {
        kind: 'DEPOSIT_DETECTED',
        status: 'PENDING',
        postings: ['WALLET/PENDING 500', 'USER_BALANCE:u1/PENDING -500'],
      },
    ]);
  });

  it('user deposit confirmed: the move from pending to confirmed is its own entry', () => {
    const posted = planPaymentEntries(deposit('PENDING'), [])[0].postings;
    expect(shape(planPaymentEntries(deposit('CONFIRMED'), posted))).toEqual([
      {
        kind: 'DEPOSIT_CONFIRMED',
        status: 'CONFIRMED',
        postings: [
          'WALLET/PENDING -500',
          'WALLET/CONFIRMED 500',
          'USER_BALANCE:u1/PENDING 500',
          'USER_BALANCE:u1/CONFIRMED -500',
        ],
      },
    ]);
  });

  it('a payment first seen already confirmed is detected, then confirmed (two entries)', () => {
    const entries = planPaymentEntries(deposit('CONFIRMED'), []);
    expect(entries.map((e) => e.kind)).toEqual(['DEPOSIT_DETECTED', 'DEPOSIT_CONFIRMED']);
    expect(show(sumOf(entries))).toEqual(['WALLET/CONFIRMED 500', 'USER_BALANCE:u1/CONFIRMED -500']);
  });

  it('reorg: confirmed → pending again is a reversing move, journaled', () => {
    const posted = sumOf(planPaymentEntries(deposit('CONFIRMED'), []));
    expect(shape(planPaymentEntries(deposit('PENDING'), posted))).toEqual([
      {
        kind: 'DEPOSIT_UNCONFIRMED',
        status: 'PENDING',
        postings: [
          'WALLET/PENDING 500',
          'WALLET/CONFIRMED -500',
          'USER_BALANCE:u1/PENDING -500',
          'USER_BALANCE:u1/CONFIRMED 500',
        ],
      },
    ]);
  });

  it('deposit reversed (double-spent) from pending or from confirmed: one entry undoes what was posted', () => {
    for (const from of ['PENDING', 'CONFIRMED'] as const) {
      const posted = sumOf(planPaymentEntries(deposit(from), []));
      const entries = planPaymentEntries(deposit('REVERSED'), posted);
      expect(entries.map((e) => [e.kind, e.status])).toEqual([['DEPOSIT_REVERSED', 'REVERSED']]);
      expect(sumOf([...planPaymentEntries(deposit(from), []), ...entries])).toEqual([]);
    }
  });

  it('a payment never posted and already reversed posts nothing; a revived one is detected again', () => {
    expect(planPaymentEntries(deposit('REVERSED'), [])).toEqual([]);
    const reversedAfterPending: Posting[] = [];
    expect(planPaymentEntries(deposit('PENDING'), reversedAfterPending).map((e) => e.kind)).toEqual([
      'DEPOSIT_DETECTED',
    ]);
  });

  it('invoice payment detected and confirmed: held in INVOICE_RECEIPTS until the invoice settles', () => {
    const detected = planPaymentEntries(invoicePayment('PENDING'), []);
    expect(shape(detected)[0]).toEqual({
      kind: 'PAYMENT_DETECTED',
      status: 'PENDING',
      postings: ['WALLET/PENDING 500', 'INVOICE_RECEIPTS/PENDING -500'],
    });
    const confirmed = planPaymentEntries(invoicePayment('CONFIRMED'), sumOf(detected));
    expect(show(sumOf([...detected, ...confirmed]))).toEqual([
      'WALLET/CONFIRMED 500',
      'INVOICE_RECEIPTS/CONFIRMED -500',
    ]);
  });

  it('invoice settled (by payments or marked): confirmed receipts become SALES', () => {
    const posted = [line('WALLET', 'CONFIRMED', 500n), line('INVOICE_RECEIPTS', 'CONFIRMED', -500n)];
    expect(
      shape(planPaymentEntries(invoicePayment('CONFIRMED'), posted, { sales: 500n, overpaid: 0n })),
    ).toEqual([
      {
        kind: 'INVOICE_SETTLED',
        status: 'CONFIRMED',
        postings: ['INVOICE_RECEIPTS/CONFIRMED 500', 'SALES/CONFIRMED -500'],
      },
    ]);
  });

  it('overpayment: what exceeds the price goes to OVERPAYMENTS at settlement', () => {
    const invoices = new Map([
      [
        'inv',
        {
          id: 'inv',
          settled: true,
          monitoringEndsAt: new Date('2027-01-01'),
          methods: [{ asset: 'BTC', amountDue: 800n }],
        },
      ],
    ]);
    const first = invoicePayment('CONFIRMED', 500n, 'p1', new Date('2026-01-01T00:00:00Z'));
    const second = invoicePayment('CONFIRMED', 500n, 'p2', new Date('2026-01-01T00:01:00Z'));
    const held = (id: string) =>
      [{ ...line('WALLET', 'CONFIRMED', 500n) }, { ...line('INVOICE_RECEIPTS', 'CONFIRMED', -500n) }].map(
        (p) => ({ ...p, id }),
      );
    const entries = planLedgerEntries({
      payments: [first, second],
      posted: new Map([
        ['p1', held('p1')],
        ['p2', held('p2')],
      ]),
      invoices,
    });
    expect(entries.map((e) => [e.paymentId, e.kind, show(e.postings)])).toEqual([
      ['p1', 'INVOICE_SETTLED', ['INVOICE_RECEIPTS/CONFIRMED 500', 'SALES/CONFIRMED -500']],
      [
        'p2',
        'INVOICE_SETTLED',
        ['INVOICE_RECEIPTS/CONFIRMED 500', 'SALES/CONFIRMED -300', 'OVERPAYMENTS/CONFIRMED -200'],
      ],
    ]);
  });

  it('a payment confirmed after its invoice settled is overpaid in its confirmation entry', () => {
    const posted = sumOf(planPaymentEntries(invoicePayment('PENDING'), []));
    const [entry] = planPaymentEntries(invoicePayment('CONFIRMED'), posted, { sales: 0n, overpaid: 500n });
    expect(entry.kind).toBe('PAYMENT_CONFIRMED');
    expect(show(entry.postings)).toEqual([
      'WALLET/PENDING -500',
      'WALLET/CONFIRMED 500',
      'INVOICE_RECEIPTS/PENDING 500',
      'OVERPAYMENTS/CONFIRMED -500',
    ]);
  });

  it('invoice no longer settled (INVALID after a reversal): revenue is held in receipts again', () => {
    const posted = [line('WALLET', 'CONFIRMED', 500n), line('SALES', 'CONFIRMED', -500n)];
    expect(shape(planPaymentEntries(invoicePayment('CONFIRMED'), posted))).toEqual([
      {
        kind: 'INVOICE_UNSETTLED',
        status: 'CONFIRMED',
        postings: ['INVOICE_RECEIPTS/CONFIRMED -500', 'SALES/CONFIRMED 500'],
      },
    ]);
  });

  it('a settled invoice payment reorged goes back to pending receipts in one entry', () => {
    const posted = [line('WALLET', 'CONFIRMED', 500n), line('SALES', 'CONFIRMED', -500n)];
    const entries = planPaymentEntries(invoicePayment('PENDING'), posted, { sales: 500n, overpaid: 0n });
    expect(shape(entries)).toEqual([
      {
        kind: 'PAYMENT_UNCONFIRMED',
        status: 'PENDING',
        postings: [
          'WALLET/PENDING 500',
          'WALLET/CONFIRMED -500',
          'INVOICE_RECEIPTS/PENDING -500',
          'SALES/CONFIRMED 500',
        ],
      },
    ]);
  });

  it('credits to a store address of no invoice or user are UNATTRIBUTED', () => {
    const entries = planPaymentEntries({ ...deposit('PENDING'), userId: null }, []);
    expect(shape(entries)[0].postings).toEqual(['WALLET/PENDING 500', 'UNATTRIBUTED/PENDING -500']);
  });

  it('posting the same state twice posts nothing the second time; zero amounts post nothing', () => {
    const first = planPaymentEntries(deposit('CONFIRMED'), []);
    expect(planPaymentEntries(deposit('CONFIRMED'), sumOf(first))).toEqual([]);
    expect(planPaymentEntries(deposit('CONFIRMED', 0n), [])).toEqual([]);
    expect(balanced(first)).toBe(true);
  });
});
