import { formatUnits, parseDecimal } from './decimal-units.ts';
import { ValidationError } from './errors.ts';

/** Fiat values in the journal carry 8 decimals (sub-cent precision for tiny payments). */
export const FIAT_SCALE = 8;

/**
 * The fiat value of `units` at `rate` (fiat per whole asset), as an integer of 10^-8 fiat
 * units, rounded half away from zero. Integer arithmetic only.
 *
 * @example
 * fiatValueScaled(30754n, 8, '65000.5'); // 1999025377n (19.99025377)
 */
export function fiatValueScaled(units: bigint, decimals: number, rate: string): bigint {
  const r = parseDecimal(rate, 'rate');
  if (r.coefficient === 0n) throw new ValidationError('rate', 'must be greater than 0');
  const numerator = units * r.coefficient * 10n ** BigInt(FIAT_SCALE);
  const denominator = 10n ** BigInt(decimals + r.scale);
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/**
 * Values the lines of one entry so that their fiat values sum to exactly zero, as their
 * amounts do: each line is rounded on its own, and whatever rounding left over (at most half a
 * 10^-8 unit per line) is taken off the largest line. Without this, a balanced entry could be
 * off by 0.00000001 in fiat and totals in reports would drift.
 *
 * @example
 * // 1.5, 1.5 and -3 (in 10^-8) round to 2, 2 and -3; the largest line takes the difference:
 * balancedFiatValues([1n, 1n, -2n], 0, '0.000000015'); // [2n, 2n, -4n]
 */
export function balancedFiatValues(amounts: readonly bigint[], decimals: number, rate: string): bigint[] {
  const values = amounts.map((a) => fiatValueScaled(a, decimals, rate));
  const amountSum = amounts.reduce((s, a) => s + a, 0n);
  const residual = values.reduce((s, v) => s + v, 0n);
  if (amountSum !== 0n || residual === 0n || values.length === 0) return values;
  let largest = 0;
  for (let i = 1; i < amounts.length; i++) if (abs(amounts[i]) > abs(amounts[largest])) largest = i;
  values[largest] -= residual;
  return values;
}

/** A scaled fiat value as a decimal string ("19.99025377"). */
export function formatFiat(scaled: bigint): string {
  return formatUnits(scaled, FIAT_SCALE);
}

/**
 * A decimal string without trailing fractional zeros: numeric::text keeps the column's scale.
 *
 * @example
 * trimDecimal('60000.000000000000000000'); // "60000"
 * trimDecimal('19.99000000'); // "19.99"
 */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}
