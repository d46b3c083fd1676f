import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unitsToFiat } from './decimal-units.ts';
import { balancedFiatValues, fiatValueScaled, formatFiat } from './ledger-valuation.ts';

describe('ledger valuation', () => {
  it('values units at a rate exactly, half away from zero, like unitsToFiat', () => {
    expect(formatFiat(fiatValueScaled(30754n, 8, '65000.5'))).toBe('19.99025377');
    expect(formatFiat(fiatValueScaled(-30754n, 8, '65000.5'))).toBe('-19.99025377');
    expect(formatFiat(fiatValueScaled(10n ** 18n, 18, '3000.000000000000000000'))).toBe('3000');
  });

  it('the documented example: rounding residue is taken off the largest line', () => {
    expect(balancedFiatValues([1n, 1n, -2n], 0, '0.000000015')).toEqual([2n, 2n, -4n]);
  });

  it('lines that sum to zero in units sum to zero in fiat, each within one 10^-8 of its own value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 18 }),
        fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 12 })),
        (amounts, decimals, [coefficient, scale]) => {
          const lines = [...amounts, -amounts.reduce((s, a) => s + a, 0n)];
          const digits = coefficient.toString().padStart(scale + 1, '0');
          const rate = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
          const values = balancedFiatValues(lines, decimals, rate);
          expect(values.reduce((s, v) => s + v, 0n)).toBe(0n);
          lines.forEach((amount, i) => {
            const exact = fiatValueScaled(amount, decimals, rate);
            const drift = values[i] - exact;
            expect(drift <= BigInt(lines.length) && drift >= -BigInt(lines.length)).toBe(true);
            // Agrees with the domain's display valuation.
            expect(formatFiat(exact)).toBe(unitsToFiat(amount, decimals, rate));
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
