import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import {
  FIAT_CURRENCIES,
  fiatDecimals,
  isFiatCurrency,
  MAX_ASSET_UNITS,
  validateAssetAmount,
  validateFiatPrice,
} from './money-limits.ts';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.field;
  }
  throw new Error('expected a ValidationError');
}

describe('isFiatCurrency', () => {
  it.each(['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'KWD'])('takes %s as fiat', (code) => {
    expect(isFiatCurrency(code)).toBe(true);
  });

  it.each(['BTC', 'ETH', 'LTC', 'XBT', 'USDT', 'USDC_ETH', 'eur', 'EURO', 'EU', '', 'XAU'])(
    'does not take %j as fiat',
    (code) => {
      expect(isFiatCurrency(code)).toBe(false);
    },
  );

  it('lists only ISO 4217 shaped codes, once each', () => {
    for (const code of FIAT_CURRENCIES) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(new Set(FIAT_CURRENCIES).size).toBe(FIAT_CURRENCIES.length);
    expect(FIAT_CURRENCIES.length).toBeGreaterThanOrEqual(30);
  });
});

describe('fiatDecimals', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
  ] as const)('%s has %i decimals', (code, decimals) => {
    expect(fiatDecimals(code)).toBe(decimals);
  });
});

describe('validateFiatPrice', () => {
  it.each([
    ['19.99', 'EUR', 1999n],
    ['19.9', 'EUR', 1990n],
    ['19.990', 'EUR', 1999n],
    ['0.01', 'USD', 1n],
    ['1500', 'JPY', 1500n],
    ['1.234', 'KWD', 1234n],
    ['1000000000000', 'EUR', 100_000_000_000_000n],
  ] as const)('%s %s is %s minor units', (price, currency, minor) => {
    expect(validateFiatPrice(price, currency)).toBe(minor);
  });

  it.each([
    ['0', 'EUR', 'price: must be greater than 0'],
    ['0.00', 'EUR', 'price: must be greater than 0'],
    ['-5', 'EUR', 'price: must not be negative'],
    ['19.999', 'EUR', 'price: at most 2 decimal places'],
    ['1500.5', 'JPY', 'price: at most 0 decimal places'],
    ['1.2345', 'BHD', 'price: at most 3 decimal places'],
    ['1e3', 'EUR', 'price: must be a decimal number'],
    ['1000000000000.01', 'EUR', 'price: must be at most 1000000000000 EUR'],
    ['10000000000000', 'JPY', 'price: must be at most'],
  ] as const)('refuses %s %s', (price, currency, message) => {
    expect(() => validateFiatPrice(price, currency)).toThrow(message);
    expect(fieldOf(() => validateFiatPrice(price, currency))).toBe('price');
  });

  it('refuses a currency that is not fiat, naming the currency field', () => {
    expect(fieldOf(() => validateFiatPrice('1', 'BTC'))).toBe('currency');
    expect(fieldOf(() => validateFiatPrice('1', 'eur'))).toBe('currency');
  });

  it('names the field it is given', () => {
    expect(fieldOf(() => validateFiatPrice('0', 'EUR', 'items[0].price'))).toBe('items[0].price');
  });
});

describe('validateAssetAmount', () => {
  it.each([
    ['0.0005', 8, 50_000n],
    ['1', 8, 100_000_000n],
    ['0.1', 18, 100_000_000_000_000_000n],
    ['0.000000000000000001', 18, 1n],
    ['1.5', 24, 1_500_000_000_000_000_000_000_000n],
    ['25', 6, 25_000_000n],
    [MAX_ASSET_UNITS.toString(), 0, MAX_ASSET_UNITS],
  ] as const)('%s with %i decimals is %s units', (amount, decimals, units) => {
    expect(validateAssetAmount(amount, decimals)).toBe(units);
  });

  it.each([
    ['0', 8, 'must be greater than 0'],
    ['0.000000001', 8, 'at most 8 decimal places'],
    ['0.0000000000000000001', 24, 'at most 18 decimal places'],
    ['-1', 18, 'must not be negative'],
    [(MAX_ASSET_UNITS + 1n).toString(), 0, 'too large'],
    ['1e-3', 18, 'decimal number'],
  ] as const)('refuses %s with %i decimals', (amount, decimals, message) => {
    expect(() => validateAssetAmount(amount, decimals)).toThrow(message);
    expect(fieldOf(() => validateAssetAmount(amount, decimals))).toBe('price');
  });
});
