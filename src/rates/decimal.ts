/**
 * Exact decimal arithmetic on strings for rates, with bigint scaled integers underneath: a value
 * is `units / 10^scale`. Rates never pass through a JS number, whose binary fractions cannot
 * hold 0.1 and whose 17 significant digits cannot hold every rate a provider may send.
 */

/** Rates keep at most this many fractional digits; anything finer is cut off (rounded down). */
export const RATE_FRACTION_DIGITS = 18;

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
// Providers send at most a few dozen characters; the limits stop "1e999999999" from making a
// billion-digit bigint.
const MAX_LENGTH = 100;
const MAX_EXPONENT = 100;

function parse(text: string): Scaled {
  const match = typeof text === 'string' && text.length <= MAX_LENGTH ? DECIMAL.exec(text) : null;
  const exponent = match ? Number(match[4] ?? '0') : Number.NaN;
  if (!match || Math.abs(exponent) > MAX_EXPONENT) {
    throw new RangeError(`not a decimal number: ${JSON.stringify(String(text).slice(0, 40))}`);
  }
  const fraction = match[3] ?? '';
  let units = BigInt(match[2] + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: match[1] ? -units : units, scale };
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  let fraction = digits.slice(digits.length - scale);
  digits = digits.slice(0, digits.length - scale);
  fraction = fraction.replace(/0+$/, '');
  const text = fraction ? `${digits}.${fraction}` : digits;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Cuts a value to `digits` fractional digits, toward zero. */
function truncate(value: Scaled, digits: number): Scaled {
  if (value.scale <= digits) return value;
  return { units: value.units / 10n ** BigInt(value.scale - digits), scale: digits };
}

function compare(a: Scaled, b: Scaled): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The canonical plain form of a decimal: no exponent, no superfluous zeros. Exact: exponent
 * notation is shifted digit by digit, never evaluated as a float.
 *
 * @example
 * normalizeDecimal('65012.30000'); // '65012.3'
 * normalizeDecimal('1.5e-7');      // '0.00000015'
 */
export function normalizeDecimal(text: string): string {
  return format(parse(text));
}

/**
 * A JS number as the decimal it stands for when printed: `String(n)` is the shortest decimal
 * that reads back as the same double, i.e. what the sender wrote whenever it fits a double.
 * Exponent forms (`1e-7`, `1.2e+21`) are expanded exactly by `normalizeDecimal`. Only for
 * numbers already parsed by someone else; prefer reading the JSON source (`parseJsonExact`).
 *
 * @example
 * numberToDecimal(0.99987); // '0.99987'
 * numberToDecimal(1e-7);    // '0.0000001'
 */
export function numberToDecimal(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return normalizeDecimal(String(n));
}

/**
 * Checks and canonicalises a rate: a positive decimal, cut to 18 fractional digits.
 *
 * @example
 * normalizeRate('30303.20000'); // '30303.2'
 * normalizeRate('0');           // throws RangeError
 */
export function normalizeRate(text: string): string {
  const value = truncate(parse(text), RATE_FRACTION_DIGITS);
  if (value.units <= 0n) throw new RangeError(`a rate must be positive, got ${JSON.stringify(text)}`);
  return format(value);
}

/**
 * Compares two decimals exactly: -1, 0 or 1.
 *
 * @example
 * compareDecimals('0.10', '0.1'); // 0
 */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  return compare(parse(a), parse(b)) as -1 | 0 | 1;
}

/**
 * The exact product cut (toward zero) to `fractionDigits` fractional digits.
 *
 * @example
 * multiplyDecimals('65012.34', '0.99', 2); // '64362.21'
 */
export function multiplyDecimals(a: string, b: string, fractionDigits = RATE_FRACTION_DIGITS): string {
  const x = parse(a);
  const y = parse(b);
  return format(truncate({ units: x.units * y.units, scale: x.scale + y.scale }, fractionDigits));
}

/**
 * The rate an invoice uses after the merchant's spread: `rate × (1 − spreadPercent/100)`, cut
 * down to 18 decimals. Lowering the fiat-per-coin rate makes the customer send more coin for
 * the same fiat price, so the spread and the rounding both fall on the merchant's side.
 *
 * @example
 * applySpread('60000', '1.5'); // '59100'
 */
export function applySpread(rate: string, spreadPercent: string): string {
  const spread = parse(spreadPercent);
  if (spread.units < 0n || compare(spread, { units: 100n, scale: 0 }) >= 0) {
    throw new RangeError(`spreadPercent must be at least 0 and below 100, got ${spreadPercent}`);
  }
  // (100 − s) / 100 with s = units / 10^scale, kept exact as one scaled integer.
  const factor = { units: 100n * 10n ** BigInt(spread.scale) - spread.units, scale: spread.scale + 2 };
  const value = parse(rate);
  return format(
    truncate({ units: value.units * factor.units, scale: value.scale + factor.scale }, RATE_FRACTION_DIGITS),
  );
}
