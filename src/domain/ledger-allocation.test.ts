import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateSettledInvoice } from './ledger-allocation.ts';

const ends = new Date('2026-02-01T00:00:00Z');
const at = (minute: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + minute * 60_000);

describe('allocateSettledInvoice', () => {
  it('fills the price in the order payments were seen; the rest is overpaid', () => {
    const result = allocateSettledInvoice(
      { monitoringEndsAt: ends, methods: [{ asset: 'BTC', amountDue: 100n }] },
      [
        { id: 'late', asset: 'BTC', amount: 70n, seenAt: at(2) },
        { id: 'early', asset: 'BTC', amount: 60n, seenAt: at(1) },
      ],
    );
    expect(Object.fromEntries(result)).toEqual({
      early: { sales: 60n, overpaid: 0n },
      late: { sales: 40n, overpaid: 30n },
    });
  });

  it('keeps an exact share across assets: 1/3 of a 3-unit price in one asset, the rest in another', () => {
    const result = allocateSettledInvoice(
      {
        monitoringEndsAt: ends,
        methods: [
          { asset: 'A', amountDue: 3n },
          { asset: 'B', amountDue: 7n },
        ],
      },
      [
        { id: 'a', asset: 'A', amount: 1n, seenAt: at(1) },
        { id: 'b', asset: 'B', amount: 7n, seenAt: at(2) },
      ],
    );
    // 2/3 of the invoice is left after A: ⌈2/3 × 7⌉ = 5 units of B are sales, 2 are overpaid.
    expect(Object.fromEntries(result)).toEqual({
      a: { sales: 1n, overpaid: 0n },
      b: { sales: 5n, overpaid: 2n },
    });
  });

  it('an underpayment within tolerance is all sales; payments after monitoring are overpaid in full', () => {
    const result = allocateSettledInvoice(
      { monitoringEndsAt: ends, methods: [{ asset: 'BTC', amountDue: 100n }] },
      [
        { id: 'in', asset: 'BTC', amount: 99n, seenAt: at(1) },
        { id: 'after', asset: 'BTC', amount: 5n, seenAt: ends },
        { id: 'other', asset: 'ETH', amount: 5n, seenAt: at(1) },
      ],
    );
    expect(Object.fromEntries(result)).toEqual({
      in: { sales: 99n, overpaid: 0n },
      after: { sales: 0n, overpaid: 5n },
      other: { sales: 0n, overpaid: 5n },
    });
  });

  it('never loses or invents a unit, and sales never exceed the price in a single asset', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 20n }), { minLength: 1, maxLength: 6 }),
        (due, amounts) => {
          const payments = amounts.map((amount, i) => ({ id: `p${i}`, asset: 'X', amount, seenAt: at(i) }));
          const result = allocateSettledInvoice(
            { monitoringEndsAt: ends, methods: [{ asset: 'X', amountDue: due }] },
            payments,
          );
          let sales = 0n;
          for (const p of payments) {
            const a = result.get(p.id)!;
            expect(a.sales + a.overpaid).toBe(p.amount);
            expect(a.sales >= 0n && a.overpaid >= 0n).toBe(true);
            sales += a.sales;
          }
          const total = amounts.reduce((s, a) => s + a, 0n);
          // Sales are the whole payment total, capped at the price.
          expect(sales <= due && sales <= total && (sales === due || sales === total)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
