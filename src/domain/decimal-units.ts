import { ValidationError } from './errors.ts';

/**
 * Exact conversions between decimal strings (what people, rate sources and GraphQL `Decimal`
 * carry) and bigint amounts in an asset's smallest unit. Every step is integer arithmetic:
 * a JS number never holds money, so nothing here can lose a wei to binary floating point.
 */

// Plain positional notation only: "1e-8", " 1", "+1", ".5", "5." and "0x10" are refused, because
// each is a place where two parsers (ours and the caller's) could disagree on the value.
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

// 2^256 − 1 has 78 digits; with 18 decimals, a point and a sign nothing legitimate is longer.
// The cap also keeps BigInt parsing of hostile input cheap.
const MAX_LENGTH = 120;

// ERC-20 `decimals()` is a uint8.
const MAX_DECIMALS = 255;

/** A decimal string split into an integer coefficient and a power-of-ten scale: value = coefficient / 10^scale. */
export interface ScaledDecimal {
  coefficient: bigint;
  scale: number;
}

/**
 * Parses a decimal string exactly, keeping every fractional digit.
 *
 * @example
 * parseDecimal('19.990', 'price'); // { coefficient: 19990n, scale: 3 }
 */
export function parseDecimal(
  decimal: string,
  field: string,
  options: { allowNegative?: boolean } = {},
): ScaledDecimal {
  if (typeof decimal !== 'string' || decimal.length > MAX_LENGTH)
    throw new ValidationError(field, 'must be a decimal number such as 12.34');
  const match = DECIMAL.exec(decimal);
  if (!match) throw new ValidationError(field, 'must be a decimal number such as 12.34 (no exponent)');
  const [, minus, whole, fraction = ''] = match;
  if (minus && !options.allowNegative) throw new ValidationError(field, 'must not be negative');
  const magnitude = BigInt(whole + fraction);
  return { coefficient: minus ? -magnitude : magnitude, scale: fraction.length };
}

/**
 * Converts a decimal string to smallest units, exactly. Trailing zeros beyond `decimals` are
 * accepted ("1.50" with 1 decimal is exactly 15 tenths); any other extra digit is refused rather
 * than rounded, since silently rounding an amount is how a customer gets charged a unit more.
 *
 * @example
 * parseUnits('1.5', 8, 'amount'); // 150000000n
 * parseUnits('0.000000001', 8, 'amount'); // throws ValidationError "amount: at most 8 decimal places"
 */
export function parseUnits(
  decimal: string,
  decimals: number,
  field = 'amount',
  options: { allowNegative?: boolean } = {},
): bigint {
  checkDecimals(decimals);
  const { coefficient, scale } = parseDecimal(decimal, field, options);
  if (scale <= decimals) return coefficient * 10n ** BigInt(decimals - scale);
  const divisor = 10n ** BigInt(scale - decimals);
  if (coefficient % divisor !== 0n)
    throw new ValidationError(field, `at most ${decimals} decimal places`, { decimals });
  return coefficient / divisor;
}

/**
 * Formats smallest units as a plain decimal string with only the fractional digits needed.
 *
 * @example
 * formatUnits(150000000n, 8); // "1.5"
 * formatUnits(1n, 18); // "0.000000000000000001"
 * formatUnits(-2500n, 2); // "-25"
 */
export function formatUnits(units: bigint, decimals: number): string {
  checkDecimals(decimals);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '');
}

/**
 * Compares two decimal strings exactly (negatives allowed).
 *
 * @example
 * compareDecimals('50', '50.00'); // 0
 * compareDecimals('999.99', '1000'); // -1
 */
export function compareDecimals(a: string, b: string, field = 'value'): -1 | 0 | 1 {
  const x = parseDecimal(a, field, { allowNegative: true });
  const y = parseDecimal(b, field, { allowNegative: true });
  const scale = Math.max(x.scale, y.scale);
  const left = x.coefficient * 10n ** BigInt(scale - x.scale);
  const right = y.coefficient * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The amount of an asset that pays `price` at `rate`, in smallest units:
 * ceil(price × 10^decimals ÷ rate). Rounded up so the merchant never receives less than the
 * price; the customer pays at most one smallest unit more than the exact value.
 *
 * @example
 * // 19.99 EUR at 65000.5 EUR/BTC: 30753.61... sat, charged as 30754 sat
 * priceToUnits({ price: '19.99', rate: '65000.5', decimals: 8 }); // 30754n
 */
export function priceToUnits(input: { price: string; rate: string; decimals: number }): bigint {
  checkDecimals(input.decimals);
  const price = parseDecimal(input.price, 'price');
  const rate = positiveRate(input.rate);
  // price/10^ps × 10^d ÷ (rate/10^rs) = price × 10^(d+rs) ÷ (rate × 10^ps)
  const numerator = price.coefficient * 10n ** BigInt(input.decimals + rate.scale);
  const denominator = rate.coefficient * 10n ** BigInt(price.scale);
  return (numerator + denominator - 1n) / denominator;
}

/**
 * The fiat value of an amount at `rate` (fiat per whole asset), for valuing payments in reports
 * and confirmation tiers. The exact value is rounded half-up (away from zero) to 8 fractional
 * digits, then trailing zeros are dropped: 8 digits keep sub-cent precision for tiny payments
 * while staying far below any display rounding. Negative amounts (reversals) are valued symmetrically.
 *
 * @example
 * unitsToFiat(30754n, 8, '65000.5'); // "19.99025377"
 * unitsToFiat(100000000n, 8, '65000.5'); // "65000.5"
 */
export function unitsToFiat(units: bigint, decimals: number, rate: string): string {
  checkDecimals(decimals);
  const r = positiveRate(rate);
  const FIAT_SCALE = 8;
  // value × 10^8 = units × rate × 10^8 ÷ 10^(decimals + rs)
  const numerator = units * r.coefficient * 10n ** BigInt(FIAT_SCALE);
  const denominator = 10n ** BigInt(decimals + r.scale);
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return formatUnits(numerator < 0n ? -rounded : rounded, FIAT_SCALE);
}

function positiveRate(rate: string): ScaledDecimal {
  const parsed = parseDecimal(rate, 'rate');
  if (parsed.coefficient === 0n) throw new ValidationError('rate', 'must be greater than 0');
  return parsed;
}

// A wrong `decimals` is a bug in the caller (asset tables are code), not bad user input.
function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS)
    throw new RangeError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${decimals}`);
}
