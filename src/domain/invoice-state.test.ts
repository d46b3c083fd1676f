import { describe, expect, it } from 'vitest';
import { KassaError, ValidationError } from './errors.ts';
import {
  type ExceptionStatus,
  type InvoiceEventType,
  type InvoiceFacts,
  type InvoiceStatus,
  markInvoice,
  nextInvoiceState,
  type PaymentFact,
  paidInFullThresholdPpb,
} from './invoice-state.ts';
import type { PaymentStatus } from './payment-status.ts';

// Minutes after creation: the invoice expires at 15 and is monitored until 15 + 1440.
const T0 = Date.parse('2025-03-01T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const EXPIRES = 15;
const MONITORING_ENDS = 15 + 1440;
const BTC = 100_000n; // sat due
const ETH = 10_000_000_000_000_000n; // wei due (0.01 ETH)

function invoice(
  status: InvoiceStatus,
  exceptionStatus: ExceptionStatus = 'NONE',
  paymentTolerancePercent = '0',
): InvoiceFacts {
  return {
    status,
    exceptionStatus,
    createdAt: at(0),
    expiresAt: at(EXPIRES),
    monitoringEndsAt: at(MONITORING_ENDS),
    paymentTolerancePercent,
    methods: [
      { asset: 'BTC', amountDue: BTC },
      { asset: 'ETH', amountDue: ETH },
    ],
  };
}

let nextId = 0;
function pay(asset: string, amount: bigint, status: PaymentStatus = 'PENDING', seenMinute = 5): PaymentFact {
  return { id: `p${++nextId}`, asset, amount, status, seenAt: at(seenMinute) };
}

const pct = (due: bigint, percent: bigint) => (due * percent) / 100n;
const LATE = 60; // seen after expiry, within monitoring
const AFTER_MONITORING = MONITORING_ENDS + 1;

interface Row {
  name: string;
  from: [InvoiceStatus, ExceptionStatus];
  tolerance?: string;
  payments: PaymentFact[];
  now: number;
  to: [InvoiceStatus, ExceptionStatus];
  events: InvoiceEventType[];
}

const rows: Row[] = [
  // NEW, before the deadline
  { name: 'nothing paid', from: ['NEW', 'NONE'], payments: [], now: 5, to: ['NEW', 'NONE'], events: [] },
  {
    name: 'exact, pending',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC)],
    now: 6,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'exact, already confirmed (zero-conf policy)',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED')],
    now: 6,
    to: ['SETTLED', 'NONE'],
    events: ['invoice.processing', 'invoice.settled'],
  },
  {
    name: 'partial',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', pct(BTC, 40n))],
    now: 6,
    to: ['NEW', 'PAID_PARTIAL'],
    events: ['invoice.paid_partial'],
  },
  {
    name: 'partial, again partial',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 40n)), pay('BTC', pct(BTC, 20n))],
    now: 6,
    to: ['NEW', 'PAID_PARTIAL'],
    events: [],
  },
  {
    name: 'partial, then the rest',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 40n)), pay('BTC', pct(BTC, 60n))],
    now: 6,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'over',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC + 1n)],
    now: 6,
    to: ['PROCESSING', 'PAID_OVER'],
    events: ['invoice.paid_over', 'invoice.processing'],
  },
  {
    name: 'paid twice',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC), pay('ETH', ETH)],
    now: 6,
    to: ['PROCESSING', 'PAID_OVER'],
    events: ['invoice.paid_over', 'invoice.processing'],
  },
  {
    name: 'within tolerance',
    from: ['NEW', 'NONE'],
    tolerance: '1',
    payments: [pay('BTC', 99_500n)],
    now: 6,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'exactly at the tolerance',
    from: ['NEW', 'NONE'],
    tolerance: '1',
    payments: [pay('BTC', 99_000n)],
    now: 6,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'just below the tolerance',
    from: ['NEW', 'NONE'],
    tolerance: '1',
    payments: [pay('BTC', 98_999n)],
    now: 6,
    to: ['NEW', 'PAID_PARTIAL'],
    events: ['invoice.paid_partial'],
  },
  {
    name: '100% tolerance still needs a payment',
    from: ['NEW', 'NONE'],
    tolerance: '100',
    payments: [],
    now: 6,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'multi-asset partials adding up to full',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 60n)), pay('ETH', pct(ETH, 40n))],
    now: 6,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'multi-asset partials short of full',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', pct(BTC, 60n)), pay('ETH', pct(ETH, 39n))],
    now: 6,
    to: ['NEW', 'PAID_PARTIAL'],
    events: ['invoice.paid_partial'],
  },
  {
    name: 'only a reversed payment',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'REVERSED')],
    now: 6,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'the partial payment was double-spent',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 40n), 'REVERSED')],
    now: 6,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'a payment in an asset not offered',
    from: ['NEW', 'NONE'],
    payments: [pay('LTC', BTC)],
    now: 6,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'a zero payment',
    from: ['NEW', 'NONE'],
    payments: [pay('ETH', 0n)],
    now: 6,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'one millisecond before the deadline',
    from: ['NEW', 'NONE'],
    payments: [],
    now: EXPIRES - 1 / 60_000,
    to: ['NEW', 'NONE'],
    events: [],
  },
  {
    name: 'clock skew: payment seen after the deadline, now before it',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', EXPIRES + 1)],
    now: EXPIRES - 1,
    to: ['NEW', 'NONE'],
    events: [],
  },
  // NEW, at or after the deadline
  {
    name: 'nothing paid, at the deadline',
    from: ['NEW', 'NONE'],
    payments: [],
    now: EXPIRES,
    to: ['EXPIRED', 'NONE'],
    events: ['invoice.expired'],
  },
  {
    name: 'partial, expires',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 40n))],
    now: EXPIRES + 1,
    to: ['EXPIRED', 'PAID_PARTIAL'],
    events: ['invoice.expired'],
  },
  {
    name: 'partial noticed together with the expiry',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', pct(BTC, 40n))],
    now: EXPIRES + 1,
    to: ['EXPIRED', 'PAID_PARTIAL'],
    events: ['invoice.paid_partial', 'invoice.expired'],
  },
  {
    name: 'paid in time, noticed after the deadline',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', EXPIRES - 1)],
    now: EXPIRES + 30,
    to: ['PROCESSING', 'NONE'],
    events: ['invoice.processing'],
  },
  {
    name: 'paid late, noticed late',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', LATE)],
    now: LATE + 1,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.expired', 'invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'paid late and confirmed before anyone looked',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED', LATE)],
    now: LATE + 60,
    to: ['SETTLED', 'PAID_LATE'],
    events: ['invoice.expired', 'invoice.paid_late', 'invoice.processing', 'invoice.settled'],
  },
  {
    name: 'partly in time, the rest late',
    from: ['NEW', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 50n)), pay('ETH', pct(ETH, 50n), 'PENDING', LATE)],
    now: LATE,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.expired', 'invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'paid after the monitoring window',
    from: ['NEW', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED', AFTER_MONITORING)],
    now: AFTER_MONITORING + 1,
    to: ['EXPIRED', 'NONE'],
    events: ['invoice.expired'],
  },
  // EXPIRED
  {
    name: 'expired, paid late',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', LATE)],
    now: LATE,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'expired partial, completed late',
    from: ['EXPIRED', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 30n)), pay('BTC', pct(BTC, 70n), 'PENDING', LATE)],
    now: LATE,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'expired, overpaid late (late wins)',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', 2n * BTC, 'PENDING', LATE)],
    now: LATE,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'expired, paid late and confirmed',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('ETH', ETH, 'CONFIRMED', LATE)],
    now: LATE + 30,
    to: ['SETTLED', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing', 'invoice.settled'],
  },
  {
    name: 'expired, late partial',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', pct(BTC, 10n), 'PENDING', LATE)],
    now: LATE,
    to: ['EXPIRED', 'PAID_PARTIAL'],
    events: ['invoice.paid_partial'],
  },
  {
    name: 'expired, paid late within tolerance',
    from: ['EXPIRED', 'NONE'],
    tolerance: '0.5',
    payments: [pay('BTC', 99_500n, 'PENDING', LATE)],
    now: LATE,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'expired, paid just before the window closed, noticed long after',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', MONITORING_ENDS - 1)],
    now: MONITORING_ENDS + 600,
    to: ['PROCESSING', 'PAID_LATE'],
    events: ['invoice.paid_late', 'invoice.processing'],
  },
  {
    name: 'expired, paid exactly when the window closed',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING', MONITORING_ENDS)],
    now: MONITORING_ENDS + 1,
    to: ['EXPIRED', 'NONE'],
    events: [],
  },
  {
    name: 'expired, paid after the window',
    from: ['EXPIRED', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 10n)), pay('BTC', BTC, 'CONFIRMED', AFTER_MONITORING)],
    now: AFTER_MONITORING,
    to: ['EXPIRED', 'PAID_PARTIAL'],
    events: [],
  },
  {
    name: 'expired, a rescan finds an in-time payment',
    from: ['EXPIRED', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED', EXPIRES - 2)],
    now: LATE,
    to: ['SETTLED', 'NONE'],
    events: ['invoice.processing', 'invoice.settled'],
  },
  {
    name: 'expired partial, the partial payment reversed',
    from: ['EXPIRED', 'PAID_PARTIAL'],
    payments: [pay('BTC', pct(BTC, 10n), 'REVERSED')],
    now: LATE,
    to: ['EXPIRED', 'NONE'],
    events: [],
  },
  // PROCESSING
  {
    name: 'processing, still pending',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC)],
    now: 30,
    to: ['PROCESSING', 'NONE'],
    events: [],
  },
  {
    name: 'processing, confirmed',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED')],
    now: 30,
    to: ['SETTLED', 'NONE'],
    events: ['invoice.settled'],
  },
  {
    name: 'processing overpaid, confirmed',
    from: ['PROCESSING', 'PAID_OVER'],
    payments: [pay('BTC', BTC + 500n, 'CONFIRMED')],
    now: 30,
    to: ['SETTLED', 'PAID_OVER'],
    events: ['invoice.settled'],
  },
  {
    name: 'processing late, confirmed',
    from: ['PROCESSING', 'PAID_LATE'],
    payments: [pay('BTC', BTC, 'CONFIRMED', LATE)],
    now: LATE + 30,
    to: ['SETTLED', 'PAID_LATE'],
    events: ['invoice.settled'],
  },
  {
    name: 'processing, one of two halves confirmed',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', pct(BTC, 50n), 'CONFIRMED'), pay('ETH', pct(ETH, 50n))],
    now: 30,
    to: ['PROCESSING', 'NONE'],
    events: [],
  },
  {
    name: 'processing, confirmed full plus a stuck extra payment',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED'), pay('BTC', 1_000n)],
    now: 30,
    to: ['SETTLED', 'PAID_OVER'],
    events: ['invoice.paid_over', 'invoice.settled'],
  },
  {
    name: 'processing, an extra payment arrives',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC), pay('ETH', pct(ETH, 10n), 'PENDING', 8)],
    now: 9,
    to: ['PROCESSING', 'PAID_OVER'],
    events: ['invoice.paid_over'],
  },
  {
    name: 'processing overpaid, the extra payment reversed',
    from: ['PROCESSING', 'PAID_OVER'],
    payments: [pay('BTC', BTC), pay('BTC', 1_000n, 'REVERSED')],
    now: 9,
    to: ['PROCESSING', 'NONE'],
    events: [],
  },
  {
    name: 'processing, RBF fee bump (old reversed, replacement pending)',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC, 'REVERSED'), pay('BTC', BTC, 'PENDING', 7)],
    now: 9,
    to: ['PROCESSING', 'NONE'],
    events: [],
  },
  {
    name: 'processing, the payment was double-spent',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', BTC, 'REVERSED')],
    now: 9,
    to: ['INVALID', 'NONE'],
    events: ['invoice.invalid'],
  },
  {
    name: 'processing late, the payment was reversed',
    from: ['PROCESSING', 'PAID_LATE'],
    payments: [pay('BTC', BTC, 'REVERSED', LATE)],
    now: LATE + 5,
    to: ['INVALID', 'PAID_LATE'],
    events: ['invoice.invalid'],
  },
  {
    name: 'processing multi-asset, one part reversed',
    from: ['PROCESSING', 'NONE'],
    payments: [pay('BTC', pct(BTC, 60n), 'CONFIRMED'), pay('ETH', pct(ETH, 40n), 'REVERSED')],
    now: 30,
    to: ['INVALID', 'NONE'],
    events: ['invoice.invalid'],
  },
  {
    name: 'processing, reversed but still within tolerance',
    from: ['PROCESSING', 'NONE'],
    tolerance: '5',
    payments: [pay('BTC', pct(BTC, 96n)), pay('ETH', pct(ETH, 4n), 'REVERSED')],
    now: 30,
    to: ['PROCESSING', 'NONE'],
    events: [],
  },
  // SETTLED
  {
    name: 'settled, its block reorged away (payment back to pending)',
    from: ['SETTLED', 'NONE'],
    payments: [pay('BTC', BTC, 'PENDING')],
    now: 90,
    to: ['SETTLED', 'NONE'],
    events: [],
  },
  {
    name: 'settled, then the payment reversed',
    from: ['SETTLED', 'NONE'],
    payments: [pay('BTC', BTC, 'REVERSED')],
    now: 90,
    to: ['INVALID', 'NONE'],
    events: ['invoice.invalid'],
  },
  {
    name: 'settled overpaid, then reversed',
    from: ['SETTLED', 'PAID_OVER'],
    payments: [pay('BTC', BTC + 1_000n, 'REVERSED')],
    now: 90,
    to: ['INVALID', 'PAID_OVER'],
    events: ['invoice.invalid'],
  },
  {
    name: 'settled, paid again later (exception frozen)',
    from: ['SETTLED', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED'), pay('BTC', BTC, 'CONFIRMED', 100)],
    now: 200,
    to: ['SETTLED', 'NONE'],
    events: [],
  },
  {
    name: 'settled, long after everything',
    from: ['SETTLED', 'PAID_LATE'],
    payments: [pay('BTC', BTC, 'CONFIRMED', LATE)],
    now: MONITORING_ENDS * 10,
    to: ['SETTLED', 'PAID_LATE'],
    events: [],
  },
  // Terminal
  {
    name: 'invalid, paid in full again',
    from: ['INVALID', 'NONE'],
    payments: [pay('BTC', BTC, 'CONFIRMED')],
    now: 30,
    to: ['INVALID', 'NONE'],
    events: [],
  },
  {
    name: 'marked settled, payment reversed',
    from: ['SETTLED', 'MARKED'],
    payments: [pay('BTC', BTC, 'REVERSED')],
    now: 30,
    to: ['SETTLED', 'MARKED'],
    events: [],
  },
  {
    name: 'marked settled, nothing paid',
    from: ['SETTLED', 'MARKED'],
    payments: [],
    now: AFTER_MONITORING,
    to: ['SETTLED', 'MARKED'],
    events: [],
  },
  {
    name: 'marked invalid, paid in full',
    from: ['INVALID', 'MARKED'],
    payments: [pay('BTC', BTC, 'CONFIRMED')],
    now: 30,
    to: ['INVALID', 'MARKED'],
    events: [],
  },
];

describe('nextInvoiceState', () => {
  it.each(rows)('$from.0/$from.1: $name → $to.0/$to.1', (row) => {
    const facts = invoice(row.from[0], row.from[1], row.tolerance);
    const result = nextInvoiceState(facts, row.payments, at(row.now));
    expect([result.status, result.exceptionStatus]).toEqual(row.to);
    expect(result.events).toEqual(row.events);
    expect(result.changed).toBe(row.to[0] !== row.from[0] || row.to[1] !== row.from[1]);
    // Idempotent: the result fed back with the same facts is a fixed point.
    const again = nextInvoiceState({ ...facts, ...result }, row.payments, at(row.now));
    expect(again).toMatchObject({ status: result.status, exceptionStatus: result.exceptionStatus });
    expect(again.events).toEqual([]);
    expect(again.changed).toBe(false);
  });

  it('reports what was paid and what remains per asset', () => {
    const result = nextInvoiceState(invoice('NEW'), [pay('BTC', 60_000n), pay('LTC', 5n)], at(6));
    expect(result.paidFractionPpb).toBe(600_000_000n);
    expect(result.amountPaidByAsset).toEqual({ BTC: 60_000n, ETH: 0n });
    expect(result.remainingByAsset).toEqual({ BTC: 40_000n, ETH: 4_000_000_000_000_000n });
  });

  it('keeps a same-asset remainder exact when shares do not divide evenly', () => {
    const facts = { ...invoice('NEW'), methods: [{ asset: 'BTC', amountDue: 3n }] };
    const one = nextInvoiceState(facts, [pay('BTC', 1n)], at(6));
    expect(one.paidFractionPpb).toBe(333_333_333n);
    expect(one.remainingByAsset).toEqual({ BTC: 2n });
    const both = nextInvoiceState(facts, [pay('BTC', 1n), pay('BTC', 2n)], at(6));
    expect(both.paidFractionPpb).toBe(1_000_000_000n);
    expect(both.status).toBe('PROCESSING');
  });

  it('rounds a cross-asset remainder up, so paying it completes the invoice', () => {
    const facts = {
      ...invoice('NEW'),
      methods: [
        { asset: 'BTC', amountDue: 3n },
        { asset: 'ETH', amountDue: 7n },
      ],
    };
    const first = nextInvoiceState(facts, [pay('BTC', 1n)], at(6));
    expect(first.remainingByAsset.ETH).toBe(5n); // 7 × 2/3 = 4.67
    const done = nextInvoiceState(facts, [pay('BTC', 1n), pay('ETH', 5n)], at(7));
    expect(done.status).toBe('PROCESSING');
    expect(done.remainingByAsset).toEqual({ BTC: 0n, ETH: 0n });
  });

  it('counts nothing of payments that do not count', () => {
    const result = nextInvoiceState(
      invoice('EXPIRED'),
      [pay('BTC', BTC, 'REVERSED'), pay('BTC', BTC, 'CONFIRMED', AFTER_MONITORING), pay('DOGE', 10n)],
      at(AFTER_MONITORING + 5),
    );
    expect(result.paidFractionPpb).toBe(0n);
    expect(result.amountPaidByAsset).toEqual({ BTC: 0n, ETH: 0n });
    expect(result.remainingByAsset).toEqual({ BTC, ETH });
  });

  it('refuses a tolerance that can only come from a corrupted row', () => {
    for (const tolerance of ['101', '-1', 'abc', '1e1', '0.00000001'])
      expect(() => nextInvoiceState(invoice('NEW', 'NONE', tolerance), [], at(1))).toThrow(ValidationError);
  });
});

describe('paidInFullThresholdPpb', () => {
  it.each([
    ['0', 1_000_000_000n],
    ['1', 990_000_000n],
    ['1.5', 985_000_000n],
    ['0.25', 997_500_000n],
    ['100', 0n],
    ['100.00', 0n],
  ])('%s%% → %s ppb', (tolerance, ppb) => {
    expect(paidInFullThresholdPpb(tolerance)).toBe(ppb);
  });
});

describe('markInvoice', () => {
  it.each<[InvoiceStatus, ExceptionStatus, 'SETTLED' | 'INVALID', InvoiceEventType[]]>([
    ['NEW', 'NONE', 'SETTLED', ['invoice.settled']],
    ['NEW', 'PAID_PARTIAL', 'INVALID', ['invoice.invalid']],
    ['EXPIRED', 'PAID_PARTIAL', 'SETTLED', ['invoice.settled']],
    ['PROCESSING', 'PAID_LATE', 'SETTLED', ['invoice.settled']],
    ['PROCESSING', 'NONE', 'INVALID', ['invoice.invalid']],
    ['SETTLED', 'NONE', 'INVALID', ['invoice.invalid']],
    ['SETTLED', 'PAID_OVER', 'SETTLED', []],
    ['INVALID', 'NONE', 'SETTLED', ['invoice.settled']],
    ['INVALID', 'PAID_LATE', 'INVALID', []],
  ])('marks %s/%s as %s', (status, exceptionStatus, target, events) => {
    expect(markInvoice({ status, exceptionStatus }, target, at(100))).toEqual({
      status: target,
      exceptionStatus: 'MARKED',
      events,
      changed: true,
    });
  });

  it('is a no-op when repeated with the same target', () => {
    expect(markInvoice({ status: 'SETTLED', exceptionStatus: 'MARKED' }, 'SETTLED', at(100))).toEqual({
      status: 'SETTLED',
      exceptionStatus: 'MARKED',
      events: [],
      changed: false,
    });
  });

  it('refuses to turn a mark around', () => {
    try {
      markInvoice({ status: 'SETTLED', exceptionStatus: 'MARKED' }, 'INVALID', at(100));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KassaError);
      expect((error as KassaError).code).toBe('CONFLICT');
    }
  });

  it('refuses any other target', () => {
    for (const target of ['NEW', 'PROCESSING', 'EXPIRED', 'settled'])
      expect(() =>
        markInvoice({ status: 'NEW', exceptionStatus: 'NONE' }, target as 'SETTLED', at(100)),
      ).toThrow(ValidationError);
  });

  it('leaves a marked invoice where it was put, whatever happens on chain', () => {
    const marked = { ...invoice('NEW'), ...markInvoice(invoice('NEW'), 'SETTLED', at(1)) };
    const result = nextInvoiceState(marked, [pay('BTC', BTC, 'REVERSED')], at(AFTER_MONITORING));
    expect(result).toMatchObject({
      status: 'SETTLED',
      exceptionStatus: 'MARKED',
      events: [],
      changed: false,
    });
  });
});
