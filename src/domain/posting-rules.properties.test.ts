import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountRefKey } from './ledger-accounts.ts';
import { allocateSettledInvoice } from './ledger-allocation.ts';
import type { PaymentStatus } from './payment-status.ts';
import {
  type LedgerInvoice,
  type LedgerPayment,
  netPostings,
  type PlannedEntry,
  type Posting,
  paymentPosition,
  planLedgerEntries,
  positionStatus,
} from './posting-rules.ts';

/*
 * The posting rules against an in-memory journal: random payments (deposits, invoice payments,
 * unattributed credits) go through random sequences of detections, confirmations, reorgs,
 * double-spends, revivals and invoice settlements, with some postings skipped (a lost
 * notification) and some repeated (a retried job). After every step the journal must hold
 * balanced entries, balances kept incrementally must equal a replay of the journal, and every
 * payment that was posted must stand exactly where its status says.
 */

const T0 = Date.parse('2026-01-01T00:00:00Z');
const INVOICES: LedgerInvoice[] = [
  {
    id: 'inv1',
    settled: false,
    monitoringEndsAt: new Date(T0 + 50 * 60_000),
    methods: [
      { asset: 'BTC', amountDue: 1_000n },
      { asset: 'ETH', amountDue: 7_000n },
    ],
  },
  {
    id: 'inv2',
    settled: false,
    monitoringEndsAt: new Date(T0 + 50 * 60_000),
    methods: [{ asset: 'BTC', amountDue: 333n }],
  },
];

const paymentArb = fc.record({
  owner: fc.constantFrom('inv1', 'inv2', 'u1', 'u2', 'nobody'),
  asset: fc.constantFrom('BTC', 'ETH'),
  amount: fc.oneof(fc.bigInt({ min: 0n, max: 2_000n }), fc.bigInt({ min: 0n, max: 10n ** 30n })),
  minute: fc.integer({ min: 0, max: 60 }),
});

const eventArb = (payments: number) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('status' as const),
        payment: fc.nat(payments - 1),
        status: fc.constantFrom<PaymentStatus>('PENDING', 'CONFIRMED', 'REVERSED'),
        post: fc.integer({ min: 0, max: 9 }).map((n) => n > 1),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('settle' as const),
        invoice: fc.constantFrom('inv1', 'inv2'),
        settled: fc.boolean(),
        post: fc.constant(true),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('repost' as const), payment: fc.nat(payments - 1) }),
    },
  );

const scenarioArb = fc.array(paymentArb, { minLength: 1, maxLength: 6 }).chain((payments) =>
  fc.record({
    payments: fc.constant(payments),
    events: fc.array(eventArb(payments.length), { maxLength: 40 }),
  }),
);

interface JournalRow extends PlannedEntry {
  asset: string;
}

/** Is this entry's kind a valid move from what the payment's entries held before it? */
function validStep(kind: string, before: ReturnType<typeof positionStatus>): boolean {
  if (kind.endsWith('_DETECTED')) return before === null;
  if (kind.endsWith('_UNCONFIRMED')) return before === 'CONFIRMED';
  if (kind.endsWith('_CONFIRMED')) return before === 'PENDING';
  if (kind.endsWith('_REVERSED')) return before !== null;
  return before === 'CONFIRMED'; // INVOICE_SETTLED / INVOICE_UNSETTLED
}

describe('posting rules under random event sequences (in-memory journal)', () => {
  it('keeps every invariant of docs/ledger.md', () => {
    fc.assert(
      fc.property(scenarioArb, ({ payments: specs, events }) => {
        const payments: LedgerPayment[] = specs.map((s, i) => ({
          id: `p${i}`,
          asset: s.owner === 'inv2' ? 'BTC' : s.asset,
          amount: s.amount,
          status: 'PENDING',
          invoiceId: s.owner.startsWith('inv') ? s.owner : null,
          userId: s.owner.startsWith('u') ? s.owner : null,
          seenAt: new Date(T0 + s.minute * 60_000),
        }));
        const seen = new Set<string>();
        const invoices = new Map(INVOICES.map((i) => [i.id, { ...i }]));
        const journal: JournalRow[] = [];
        const balances = new Map<string, bigint>();
        const postedOf = (id: string) =>
          netPostings(journal.filter((e) => e.paymentId === id).flatMap((e) => e.postings));
        /** Posts for these payments and all their invoices' payments, as src/ledger does. */
        const post = (ids: string[]) => {
          const invoiceIds = new Set(payments.filter((p) => ids.includes(p.id)).map((p) => p.invoiceId));
          const scope = payments.filter(
            (p) => seen.has(p.id) && (ids.includes(p.id) || invoiceIds.has(p.invoiceId)),
          );
          const planned = planLedgerEntries({
            payments: scope,
            posted: new Map(scope.map((p) => [p.id, postedOf(p.id)])),
            invoices,
          });
          for (const entry of planned) {
            expect(entry.postings.length).toBeGreaterThan(0);
            expect(entry.postings.reduce((s, p) => s + p.amount, 0n)).toBe(0n);
            expect(validStep(entry.kind, positionStatus(postedOf(entry.paymentId)))).toBe(true);
            const asset = payments.find((p) => p.id === entry.paymentId)!.asset;
            journal.push({ ...entry, asset });
            for (const p of entry.postings) {
              const key = `${asset}:${accountRefKey(p.account)}:${p.part}`;
              balances.set(key, (balances.get(key) ?? 0n) + p.amount);
            }
          }
          // Posting again at once posts nothing: no event is posted twice.
          const again = planLedgerEntries({
            payments: scope,
            posted: new Map(scope.map((p) => [p.id, postedOf(p.id)])),
            invoices,
          });
          expect(again).toEqual([]);
          return scope;
        };
        const target = (p: LedgerPayment): Posting[] => {
          const invoice = p.invoiceId ? invoices.get(p.invoiceId) : undefined;
          const allocation =
            invoice?.settled && p.status === 'CONFIRMED'
              ? allocateSettledInvoice(
                  invoice,
                  payments.filter(
                    (q) => seen.has(q.id) && q.invoiceId === invoice.id && q.status === 'CONFIRMED',
                  ),
                ).get(p.id)
              : undefined;
          return netPostings(paymentPosition(p, p.status, allocation));
        };

        for (const event of events) {
          if (event.type === 'settle') {
            invoices.get(event.invoice)!.settled = event.settled;
            const ids = payments.filter((p) => p.invoiceId === event.invoice).map((p) => p.id);
            for (const p of post(ids)) expect(postedOf(p.id)).toEqual(target(p));
            continue;
          }
          const payment = payments[event.payment];
          if (event.type === 'status') {
            seen.add(payment.id);
            payment.status = event.status;
            if (!event.post) continue;
          }
          if (!seen.has(payment.id)) continue;
          for (const p of post([payment.id])) expect(postedOf(p.id)).toEqual(target(p));
        }
        // A full pass catches up whatever a lost notification left behind.
        post(payments.map((p) => p.id));

        const replayed = new Map<string, bigint>();
        for (const e of journal)
          for (const p of e.postings) {
            const key = `${e.asset}:${accountRefKey(p.account)}:${p.part}`;
            replayed.set(key, (replayed.get(key) ?? 0n) + p.amount);
          }
        expect(balances).toEqual(replayed);
        const balance = (asset: string, account: string, part: string) =>
          balances.get(`${asset}:${account}:-:${part}`) ?? 0n;
        for (const p of payments) if (seen.has(p.id)) expect(postedOf(p.id)).toEqual(target(p));
        for (const asset of ['BTC', 'ETH']) {
          for (const part of ['PENDING', 'CONFIRMED'] as const) {
            const held = payments
              .filter((p) => seen.has(p.id) && p.asset === asset && p.status === part)
              .reduce((s, p) => s + p.amount, 0n);
            // The wallet holds exactly the live payments, by part.
            expect(balance(asset, 'WALLET', part)).toBe(held);
            for (const user of ['u1', 'u2']) {
              const owed = payments
                .filter((p) => seen.has(p.id) && p.asset === asset && p.status === part && p.userId === user)
                .reduce((s, p) => s + p.amount, 0n);
              expect(-(balances.get(`${asset}:USER_BALANCE:${user}:${part}`) ?? 0n)).toBe(owed);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
