import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnits } from './decimal-units.ts';
import {
  EXCEPTION_STATUSES,
  INVOICE_EVENT_TYPES,
  INVOICE_STATUSES,
  type InvoiceFacts,
  type InvoiceTransition,
  isValidStatusPair,
  nextInvoiceState,
  type PaymentFact,
  PPB,
  paidInFullThresholdPpb,
} from './invoice-state.ts';
import { PAYMENT_STATUSES, type PaymentStatus } from './payment-status.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T12:00:00Z');
const RUNS = { numRuns: 500 };

const ALL_PAIRS = INVOICE_STATUSES.flatMap((status) =>
  EXCEPTION_STATUSES.map((exceptionStatus) => ({ status, exceptionStatus })),
);
const VALID_PAIRS = ALL_PAIRS.filter((p) => isValidStatusPair(p.status, p.exceptionStatus));

const invoiceArb = (pairs: typeof ALL_PAIRS) =>
  fc
    .record({
      pair: fc.constantFrom(...pairs),
      expiresAfter: fc.integer({ min: 1, max: 120 }),
      monitoring: fc.integer({ min: 0, max: 600 }),
      tolerance: fc.oneof(
        fc.constantFrom('0', '1', '100'),
        fc.integer({ min: 0, max: 10_000 }).map((n) => formatUnits(BigInt(n), 2)),
      ),
      methods: fc.uniqueArray(
        fc.record({
          asset: fc.constantFrom('BTC', 'ETH', 'USDT_ETH'),
          amountDue: fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
        }),
        { minLength: 1, maxLength: 3, selector: (m) => m.asset },
      ),
    })
    .map(
      (r): InvoiceFacts => ({
        ...r.pair,
        createdAt: new Date(T0),
        expiresAt: new Date(T0 + r.expiresAfter * MIN),
        monitoringEndsAt: new Date(T0 + (r.expiresAfter + r.monitoring) * MIN),
        paymentTolerancePercent: r.tolerance,
        methods: r.methods,
      }),
    );

/** Instants around the invoice's deadlines, boundaries included on purpose. */
const instantArb = (invoice: InvoiceFacts) => {
  const expires = invoice.expiresAt.getTime();
  const ends = invoice.monitoringEndsAt.getTime();
  return fc
    .oneof(
      fc.integer({ min: T0 - 5 * MIN, max: ends + 30 * MIN }),
      fc.constantFrom(expires - 1, expires, ends - 1, ends),
    )
    .map((ms) => new Date(ms));
};

const paymentArb = (invoice: InvoiceFacts, statuses: readonly PaymentStatus[] = PAYMENT_STATUSES) =>
  fc
    .oneof(
      { weight: 9, arbitrary: fc.constantFrom(...invoice.methods) },
      { weight: 1, arbitrary: fc.constant({ asset: 'DOGE', amountDue: 100_000_000n }) },
    )
    .chain((method) =>
      fc.record({
        id: fc.uuid(),
        asset: fc.constant(method.asset),
        amount: fc.oneof(
          fc.constantFrom(0n, 25n, 50n, 99n, 100n, 101n, 200n).map((p) => (method.amountDue * p) / 100n),
          fc.bigInt({ min: 0n, max: 2n * method.amountDue }),
        ),
        status: fc.constantFrom(...statuses),
        seenAt: instantArb(invoice),
      }),
    );

const scenarioArb = (pairs = VALID_PAIRS) =>
  invoiceArb(pairs).chain((invoice) =>
    fc.record({
      invoice: fc.constant(invoice),
      payments: fc.array(paymentArb(invoice), { maxLength: 6 }),
      now: instantArb(invoice),
      later: fc.integer({ min: 0, max: 2000 * MIN }),
      extra: paymentArb(invoice, ['CONFIRMED']),
    }),
  );

const asInvoice = (invoice: InvoiceFacts, t: InvoiceTransition): InvoiceFacts => ({
  ...invoice,
  status: t.status,
  exceptionStatus: t.exceptionStatus,
});

const STATUS_EVENT = {
  PROCESSING: 'invoice.processing',
  SETTLED: 'invoice.settled',
  EXPIRED: 'invoice.expired',
  INVALID: 'invoice.invalid',
} as const;

/** The rule-1 formula, written independently of the implementation. */
function expectedPpb(invoice: InvoiceFacts, payments: PaymentFact[]): bigint {
  let total = 0n;
  for (const method of invoice.methods) {
    const paid = payments
      .filter(
        (p) =>
          p.asset === method.asset &&
          p.status !== 'REVERSED' &&
          p.amount > 0n &&
          p.seenAt.getTime() < invoice.monitoringEndsAt.getTime(),
      )
      .reduce((sum, p) => sum + p.amount, 0n);
    total += (paid * PPB) / method.amountDue;
  }
  return total;
}

describe('nextInvoiceState properties', () => {
  it('(a) never throws and returns a valid status pair with consistent events', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now }) => {
        const r = nextInvoiceState(invoice, payments, now);
        expect(isValidStatusPair(r.status, r.exceptionStatus)).toBe(true);
        expect(r.changed).toBe(r.status !== invoice.status || r.exceptionStatus !== invoice.exceptionStatus);
        if (!r.changed) expect(r.events).toEqual([]);
        for (const e of r.events) expect(INVOICE_EVENT_TYPES).toContain(e);
        expect(new Set(r.events).size).toBe(r.events.length);
        if (r.status !== invoice.status && r.status !== 'NEW')
          expect(r.events).toContain(STATUS_EVENT[r.status]);
        if (r.status === 'NEW') expect(now.getTime()).toBeLessThan(invoice.expiresAt.getTime());
      }),
      RUNS,
    );
  });

  it('(a) never throws even from a status pair no transition produces', () => {
    fc.assert(
      fc.property(scenarioArb(ALL_PAIRS), ({ invoice, payments, now }) => {
        nextInvoiceState(invoice, payments, now);
      }),
      RUNS,
    );
  });

  it('(b) is idempotent: its own result with the same facts changes nothing', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now }) => {
        const first = nextInvoiceState(invoice, payments, now);
        const second = nextInvoiceState(asInvoice(invoice, first), payments, now);
        expect(second.changed).toBe(false);
        expect(second.events).toEqual([]);
        expect(second).toMatchObject({ status: first.status, exceptionStatus: first.exceptionStatus });
      }),
      RUNS,
    );
  });

  it('(c) moves only forward in time: past NEW, a later now changes nothing', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now, later }) => {
        const t2 = new Date(now.getTime() + later);
        const r1 = nextInvoiceState(invoice, payments, now);
        const direct = nextInvoiceState(invoice, payments, t2);
        const chained = nextInvoiceState(asInvoice(invoice, r1), payments, t2);
        if (r1.status === 'SETTLED') {
          expect(direct.status).toBe('SETTLED');
          expect(chained.status).toBe('SETTLED');
        }
        if (r1.status === 'EXPIRED') {
          expect(direct.status).not.toBe('NEW');
          expect(chained.status).not.toBe('NEW');
        }
        if (r1.status !== 'NEW') {
          expect(chained.changed).toBe(false);
          expect([direct.status, direct.exceptionStatus]).toEqual([r1.status, r1.exceptionStatus]);
        }
      }),
      RUNS,
    );
  });

  it('(d) adding a CONFIRMED payment never makes a paid invoice unpaid', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now, extra }) => {
        const threshold = paidInFullThresholdPpb(invoice.paymentTolerancePercent);
        const before = nextInvoiceState(invoice, payments, now);
        const after = nextInvoiceState(invoice, [...payments, extra], now);
        expect(after.paidFractionPpb >= before.paidFractionPpb).toBe(true);
        if (before.paidFractionPpb >= threshold) expect(after.paidFractionPpb >= threshold).toBe(true);
        if (before.status === 'PROCESSING' || before.status === 'SETTLED')
          expect(['PROCESSING', 'SETTLED']).toContain(after.status);
        if (before.status === 'SETTLED') expect(after.status).toBe('SETTLED');
      }),
      RUNS,
    );
  });

  it('(e) INVALID and MARKED invoices never change', () => {
    const terminal = ALL_PAIRS.filter((p) => p.status === 'INVALID' || p.exceptionStatus === 'MARKED');
    fc.assert(
      fc.property(scenarioArb(terminal), ({ invoice, payments, now }) => {
        const r = nextInvoiceState(invoice, payments, now);
        expect(r).toMatchObject({
          status: invoice.status,
          exceptionStatus: invoice.exceptionStatus,
          events: [],
          changed: false,
        });
      }),
      RUNS,
    );
  });

  it('(f) paidFractionPpb and amountPaidByAsset follow the counting rule', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now }) => {
        const r = nextInvoiceState(invoice, payments, now);
        expect(r.paidFractionPpb).toBe(expectedPpb(invoice, payments));
        expect(Object.keys(r.amountPaidByAsset).sort()).toEqual(invoice.methods.map((m) => m.asset).sort());
        // The per-asset rounding never loses more than one ppb per asset.
        const exactAtLeast = invoice.methods.reduce(
          (sum, m) => sum + (r.amountPaidByAsset[m.asset] * PPB) / m.amountDue,
          0n,
        );
        expect(r.paidFractionPpb).toBe(exactAtLeast);
      }),
      RUNS,
    );
  });

  it('(g) paying the remainder in any asset completes the invoice, one unit less does not', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ invoice, payments, now }) => {
        const r = nextInvoiceState(invoice, payments, now);
        for (const { asset } of invoice.methods) {
          const remaining = r.remainingByAsset[asset];
          expect(remaining >= 0n).toBe(true);
          if (r.paidFractionPpb >= PPB) expect(remaining).toBe(0n);
          if (remaining === 0n) continue;
          const topUp = (amount: bigint): PaymentFact => ({
            id: 'top-up',
            asset,
            amount,
            status: 'PENDING',
            seenAt: new Date(T0),
          });
          expect(nextInvoiceState(invoice, [...payments, topUp(remaining)], now).paidFractionPpb >= PPB).toBe(
            true,
          );
          expect(
            nextInvoiceState(invoice, [...payments, topUp(remaining - 1n)], now).paidFractionPpb < PPB,
          ).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
