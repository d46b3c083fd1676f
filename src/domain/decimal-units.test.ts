import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  formatUnits,
  parseDecimal,
  parseUnits,
  priceToUnits,
  unitsToFiat,
} from './decimal-units.ts';
import { ValidationError } from './errors.ts';

function validationField(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.field;
  }
  throw new Error('expected a ValidationError');
}

/** A decimal string with up to `maxScale` fractional digits, and its exact value. */
const decimalString = (maxScale: number, { positive = false } = {}) =>
  fc
    .record({
      coefficient: fc.bigInt({ min: positive ? 1n : 0n, max: 10n ** 30n }),
      scale: fc.integer({ min: 0, max: maxScale }),
    })
    .map(({ coefficient, scale }) => ({ text: formatUnits(coefficient, scale), coefficient, scale }));

describe('parseUnits', () => {
  it.each([
    ['1.5', 8, 150_000_000n],
    ['0', 8, 0n],
    ['0.00000001', 8, 1n],
    ['21000000', 8, 2_100_000_000_000_000n],
    ['1', 18, 10n ** 18n],
    ['007.10', 2, 710n],
    ['1.50', 1, 15n],
    ['2.000000000', 8, 200_000_000n],
    ['123', 0, 123n],
    [(2n ** 256n - 1n).toString(), 0, 2n ** 256n - 1n],
  ] as const)('parses %s with %i decimals as %s', (text, decimals, units) => {
    expect(parseUnits(text, decimals)).toBe(units);
  });

  it.each([
    '1e-8',
    '1E3',
    ' 1',
    '1 ',
    '+1',
    '.5',
    '5.',
    '0x10',
    '',
    'abc',
    '1,5',
    '1.2.3',
    'NaN',
    'Infinity',
    '١',
    '9'.repeat(121),
  ])('refuses %j, naming the field', (text) => {
    expect(validationField(() => parseUnits(text, 8, 'price'))).toBe('price');
  });

  it('refuses more significant fractional digits than the asset has', () => {
    expect(() => parseUnits('0.000000001', 8, 'amount')).toThrow('amount: at most 8 decimal places');
    expect(() => parseUnits('1.5', 0, 'amount')).toThrow(ValidationError);
  });

  it('refuses negatives unless allowed', () => {
    expect(() => parseUnits('-1', 8, 'amount')).toThrow('amount: must not be negative');
    expect(parseUnits('-1.5', 8, 'amount', { allowNegative: true })).toBe(-150_000_000n);
  });

  it('refuses a non-string (a JS number from a careless caller)', () => {
    expect(() => parseUnits(1.5 as unknown as string, 8, 'amount')).toThrow(ValidationError);
  });

  it('treats a wrong decimals count as a programming error', () => {
    expect(() => parseUnits('1', -1)).toThrow(RangeError);
    expect(() => parseUnits('1', 1.5)).toThrow(RangeError);
    expect(() => formatUnits(1n, 256)).toThrow(RangeError);
  });
});

describe('formatUnits', () => {
  it.each([
    [150_000_000n, 8, '1.5'],
    [0n, 8, '0'],
    [1n, 8, '0.00000001'],
    [1n, 18, '0.000000000000000001'],
    [10n ** 18n, 18, '1'],
    [199n, 2, '1.99'],
    [-2500n, 2, '-25'],
    [-1n, 8, '-0.00000001'],
    [123n, 0, '123'],
  ] as const)('formats %s with %i decimals as %s', (units, decimals, text) => {
    expect(formatUnits(units, decimals)).toBe(text);
  });

  it('round-trips with parseUnits for any amount up to 2^256', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n }),
        fc.integer({ min: 0, max: 30 }),
        (units, decimals) => {
          const text = formatUnits(units, decimals);
          expect(text).not.toMatch(/e|\.$|\.\d*0$/i);
          expect(parseUnits(text, decimals, 'amount', { allowNegative: true })).toBe(units);
        },
      ),
    );
  });

  it('normalizes any accepted string to the same value', () => {
    fc.assert(
      fc.property(decimalString(18), fc.integer({ min: 18, max: 30 }), ({ text }, decimals) => {
        const padded = `00${text}${text.includes('.') ? '000' : ''}`;
        const normal = formatUnits(parseUnits(padded, decimals), decimals);
        expect(compareDecimals(normal, text)).toBe(0);
        expect(normal).toBe(text);
      }),
    );
  });
});

describe('parseDecimal and compareDecimals', () => {
  it('keeps every fractional digit', () => {
    expect(parseDecimal('19.990', 'price')).toEqual({ coefficient: 19990n, scale: 3 });
  });

  it.each([
    ['50', '50.00', 0],
    ['999.99', '1000', -1],
    ['1000.01', '1000', 1],
    ['-1', '0', -1],
    ['0.1', '0.09', 1],
  ] as const)('compares %s with %s as %i', (a, b, expected) => {
    expect(compareDecimals(a, b)).toBe(expected);
  });
});

describe('priceToUnits', () => {
  it.each([
    // 19.99 EUR at 65000.5 EUR/BTC is 30753.61 sat: rounded up
    [{ price: '19.99', rate: '65000.5', decimals: 8 }, 30_754n],
    [{ price: '100', rate: '50000', decimals: 8 }, 200_000n],
    [{ price: '10', rate: '2500', decimals: 18 }, 4_000_000_000_000_000n],
    [{ price: '1', rate: '1.0001', decimals: 6 }, 999_901n],
    [{ price: '1500', rate: '9800000', decimals: 8 }, 15_307n],
    [{ price: '0', rate: '65000', decimals: 8 }, 0n],
    [{ price: '0.000000000001', rate: '100000', decimals: 8 }, 1n],
  ])('%o → %s', (input, units) => {
    expect(priceToUnits(input)).toBe(units);
  });

  it('refuses a rate of 0 or below, and a negative price', () => {
    expect(validationField(() => priceToUnits({ price: '1', rate: '0', decimals: 8 }))).toBe('rate');
    expect(validationField(() => priceToUnits({ price: '1', rate: '0.000', decimals: 8 }))).toBe('rate');
    expect(validationField(() => priceToUnits({ price: '1', rate: '-5', decimals: 8 }))).toBe('rate');
    expect(validationField(() => priceToUnits({ price: '-1', rate: '5', decimals: 8 }))).toBe('price');
    expect(validationField(() => priceToUnits({ price: '1e2', rate: '5', decimals: 8 }))).toBe('price');
  });

  it('never under-charges and never over-charges by a whole unit', () => {
    fc.assert(
      fc.property(
        decimalString(12),
        decimalString(12, { positive: true }),
        fc.integer({ min: 0, max: 18 }),
        (price, rate, decimals) => {
          const units = priceToUnits({ price: price.text, rate: rate.text, decimals });
          // Compare units × rate with price × 10^decimals on one integer scale.
          const worth = (u: bigint) => u * rate.coefficient * 10n ** BigInt(price.scale);
          const priceScaled = price.coefficient * 10n ** BigInt(decimals + rate.scale);
          expect(units >= 0n).toBe(true);
          expect(worth(units) >= priceScaled).toBe(true);
          if (units > 0n) expect(worth(units - 1n) < priceScaled).toBe(true);
        },
      ),
    );
  });
});

describe('unitsToFiat', () => {
  it.each([
    [30_754n, 8, '65000.5', '19.99025377'],
    [100_000_000n, 8, '65000.5', '65000.5'],
    [4_000_000_000_000_000n, 18, '2500', '10'],
    [1n, 8, '0.5', '0.00000001'], // 0.000000005: half rounds up
    [1n, 8, '0.49', '0'], // 0.0000000049
    [-1n, 8, '0.5', '-0.00000001'], // away from zero, symmetric
    [0n, 18, '2500', '0'],
  ] as const)('%s units (%i decimals) at %s → %s', (units, decimals, rate, fiat) => {
    expect(unitsToFiat(units, decimals, rate)).toBe(fiat);
  });

  it('refuses a rate of 0', () => {
    expect(validationField(() => unitsToFiat(1n, 8, '0'))).toBe('rate');
  });

  it('is within half of the 8th decimal of the exact value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        decimalString(10, { positive: true }),
        (units, decimals, rate) => {
          const result = parseDecimal(unitsToFiat(units, decimals, rate.text), 'fiat', {
            allowNegative: true,
          });
          expect(result.scale).toBeLessThanOrEqual(8);
          // |result − exact| ≤ 0.5 × 10^-8, compared on the scale 10^(8 + decimals + rate scale)
          const den = 10n ** BigInt(decimals + rate.scale);
          const exact = units * rate.coefficient * 10n ** 8n;
          const got = result.coefficient * 10n ** BigInt(8 - result.scale) * den;
          const diff = got > exact ? got - exact : exact - got;
          expect(2n * diff <= den).toBe(true);
        },
      ),
    );
  });
});
