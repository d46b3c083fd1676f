import { describe, expect, it } from 'vitest';
import {
  applySpread,
  compareDecimals,
  multiplyDecimals,
  normalizeDecimal,
  normalizeRate,
  numberToDecimal,
} from './decimal.ts';
import { parseJsonExact } from './parse-json-exact.ts';

describe('decimal strings', () => {
  it('canonicalises plain and exponent forms exactly', () => {
    expect(normalizeDecimal('65012.30000')).toBe('65012.3');
    expect(normalizeDecimal('0.99987')).toBe('0.99987');
    expect(normalizeDecimal('007.50')).toBe('7.5');
    expect(normalizeDecimal('1e-7')).toBe('0.0000001');
    expect(normalizeDecimal('1.5E+3')).toBe('1500');
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(normalizeDecimal('-2.50')).toBe('-2.5');
  });

  it('refuses anything that is not a decimal', () => {
    for (const bad of [
      '',
      'abc',
      '1.',
      '.5',
      ' 1',
      '1,5',
      '0x10',
      'NaN',
      'Infinity',
      '1e999',
      '1'.repeat(101),
    ]) {
      expect(() => normalizeDecimal(bad), bad).toThrow(RangeError);
    }
  });

  it('turns a JS number into the decimal it prints as', () => {
    expect(numberToDecimal(0.99987)).toBe('0.99987');
    expect(numberToDecimal(65012.34)).toBe('65012.34');
    expect(numberToDecimal(1e-7)).toBe('0.0000001');
    expect(numberToDecimal(1.2e21)).toBe('1200000000000000000000');
    expect(() => numberToDecimal(Number.NaN)).toThrow(RangeError);
    expect(() => numberToDecimal(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('keeps rates positive and cuts them down to 18 decimals', () => {
    expect(normalizeRate('30303.20000')).toBe('30303.2');
    expect(normalizeRate('0.1234567890123456789')).toBe('0.123456789012345678');
    expect(normalizeRate('1.5e-7')).toBe('0.00000015');
    expect(() => normalizeRate('0')).toThrow(RangeError);
    expect(() => normalizeRate('-1')).toThrow(RangeError);
    // Below 18 decimals it would round to zero: refused rather than priced at nothing.
    expect(() => normalizeRate('1e-19')).toThrow(RangeError);
  });

  it('compares exactly', () => {
    expect(compareDecimals('0.10', '0.1')).toBe(0);
    expect(compareDecimals('99.999999999999999999', '100')).toBe(-1);
    expect(compareDecimals('1e2', '99')).toBe(1);
  });

  it('multiplies without float error, cutting toward zero', () => {
    expect(multiplyDecimals('0.1', '0.2')).toBe('0.02'); // 0.1 * 0.2 === 0.020000000000000004 in floats
    expect(multiplyDecimals('65012.34', '0.99', 2)).toBe('64362.21'); // exact 64362.2166
    expect(multiplyDecimals('3', '0.333333333333333333333')).toBe('0.999999999999999999');
  });

  it('applies a spread that lowers the rate, rounding down', () => {
    expect(applySpread('60000', '1.5')).toBe('59100');
    expect(applySpread('65012.34', '1')).toBe('64362.2166');
    expect(applySpread('0.99987', '0.25')).toBe('0.997370325');
    expect(applySpread('100', '0')).toBe('100');
    // 1 × (1 − 1e-20) = 0.99999999999999999999, cut to 18 decimals: down, never up to 1.
    expect(applySpread('1', '0.000000000000000001')).toBe('0.999999999999999999');
    expect(() => applySpread('1', '100')).toThrow(RangeError);
    expect(() => applySpread('1', '-1')).toThrow(RangeError);
  });
});

describe('parseJsonExact', () => {
  it('returns every JSON number as its source text', () => {
    const text = '{"a":0.1234567890123456789,"b":1e-7,"c":[65012.34,12],"d":"x","e":null,"f":true}';
    expect(parseJsonExact(text)).toEqual({
      a: '0.1234567890123456789',
      b: '1e-7',
      c: ['65012.34', '12'],
      d: 'x',
      e: null,
      f: true,
    });
  });

  it('throws SyntaxError on malformed JSON', () => {
    expect(() => parseJsonExact('{"bitcoin":')).toThrow(SyntaxError);
  });
});
