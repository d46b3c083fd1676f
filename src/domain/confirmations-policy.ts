import { compareDecimals, parseDecimal } from './decimal-units.ts';
import { ValidationError } from './errors.ts';
import { isFiatCurrency } from './money-limits.ts';

/**
 * How deep a payment must be buried before Kassa counts it as CONFIRMED, per asset, optionally
 * by the payment's value: small payments may be accepted sooner because a double-spend of them
 * is not worth an attacker's trouble. Zero confirmations is never granted to a transaction that
 * signals BIP125 replace-by-fee unless the policy says so, because replacing it is a one-click
 * wallet feature, not an attack.
 */
export interface ConfirmationsPolicy {
  /** Depth for payments above every tier, or for all payments when there are no tiers. */
  confirmations: number;
  /** By value in `currency`: the first tier (ascending) whose maxValue ≥ the payment's value applies. */
  tiers?: Array<{ maxValue: string; confirmations: number }>;
  /** Fiat currency of the tiers' maxValue, e.g. EUR. Required with tiers. */
  currency?: string;
  /** Whether a 0-confirmation requirement also holds for RBF-signalling transactions (default false). */
  zeroConfAllowsRbf?: boolean;
}

/** Beyond any chain's finality depth; larger values are typos. */
export const MAX_CONFIRMATIONS = 1000;
const MAX_TIERS = 16;

/**
 * The depth a payment needs. A payment whose value is unknown (no rate yet) or unreadable gets
 * the policy's highest requirement: being wrong there costs a wait, never the merchant's money.
 * A requirement of 0 becomes 1 for an RBF-signalling transaction unless `zeroConfAllowsRbf`.
 *
 * @example
 * const btc = { confirmations: 3, currency: 'EUR', tiers: [
 *   { maxValue: '50', confirmations: 0 }, { maxValue: '1000', confirmations: 1 }] };
 * requiredConfirmations(btc, { valueInPolicyCurrency: '20', signalsRbf: false }); // 0
 * requiredConfirmations(btc, { valueInPolicyCurrency: '20', signalsRbf: true }); // 1
 * requiredConfirmations(btc, { valueInPolicyCurrency: '1000.01', signalsRbf: false }); // 3
 * requiredConfirmations(btc, { signalsRbf: false }); // 3
 */
export function requiredConfirmations(
  policy: ConfirmationsPolicy,
  payment: { valueInPolicyCurrency?: string; signalsRbf: boolean },
): number {
  const tiers = sortedTiers(policy.tiers ?? []);
  const value = readableValue(payment.valueInPolicyCurrency);
  const required =
    value === undefined
      ? Math.max(policy.confirmations, ...tiers.map((t) => t.confirmations))
      : (tiers.find((t) => compareDecimals(t.maxValue, value) >= 0)?.confirmations ?? policy.confirmations);
  return required === 0 && payment.signalsRbf && !policy.zeroConfAllowsRbf ? 1 : required;
}

/**
 * Reads a confirmations policy from configuration (JSON or YAML already parsed), refusing
 * unknown keys so that a typo such as `confirmation: 0` cannot silently fall back to a default.
 * Tiers must have increasing maxValue and non-decreasing confirmations, with `confirmations` at
 * least the last tier's: a policy asking less of larger payments is a mistake.
 *
 * @example
 * validateConfirmationsPolicy({ confirmations: 12 }, 'assets.ETH.policy'); // { confirmations: 12 }
 * validateConfirmationsPolicy({ confirmations: 3, currency: 'EUR',
 *   tiers: [{ maxValue: '1000', confirmations: 1 }, { maxValue: 50, confirmations: 0 }] }, 'policy');
 * // tiers come back sorted by maxValue, maxValue as strings
 */
export function validateConfirmationsPolicy(raw: unknown, field: string): ConfirmationsPolicy {
  const obj = record(raw, field);
  refuseUnknownKeys(obj, ['confirmations', 'tiers', 'currency', 'zeroConfAllowsRbf'], field);
  const policy: ConfirmationsPolicy = {
    confirmations: depth(obj.confirmations, `${field}.confirmations`),
  };
  if (obj.zeroConfAllowsRbf !== undefined) {
    if (typeof obj.zeroConfAllowsRbf !== 'boolean')
      throw new ValidationError(`${field}.zeroConfAllowsRbf`, 'must be true or false');
    policy.zeroConfAllowsRbf = obj.zeroConfAllowsRbf;
  }
  if (obj.currency !== undefined) {
    if (typeof obj.currency !== 'string' || !isFiatCurrency(obj.currency))
      throw new ValidationError(`${field}.currency`, 'must be a fiat currency code such as EUR');
    policy.currency = obj.currency;
  }
  if (obj.tiers === undefined) return policy;
  if (!Array.isArray(obj.tiers) || obj.tiers.length > MAX_TIERS)
    throw new ValidationError(`${field}.tiers`, `must be a list of at most ${MAX_TIERS} tiers`);
  if (obj.tiers.length > 0 && policy.currency === undefined)
    throw new ValidationError(`${field}.currency`, 'is required with tiers (the currency of maxValue)');
  const tiers = sortedTiers(obj.tiers.map((t, i) => tier(t, `${field}.tiers[${i}]`)));
  for (let i = 1; i < tiers.length; i++) {
    if (compareDecimals(tiers[i - 1].maxValue, tiers[i].maxValue) === 0)
      throw new ValidationError(`${field}.tiers`, `maxValue ${tiers[i].maxValue} appears twice`);
    if (tiers[i].confirmations < tiers[i - 1].confirmations)
      throw new ValidationError(`${field}.tiers`, 'a larger maxValue must not need fewer confirmations');
  }
  const last = tiers.at(-1);
  if (last && policy.confirmations < last.confirmations)
    throw new ValidationError(
      `${field}.confirmations`,
      `must be at least the last tier's ${last.confirmations} (it applies above every tier)`,
    );
  policy.tiers = tiers;
  return policy;
}

function sortedTiers(tiers: ReadonlyArray<{ maxValue: string; confirmations: number }>) {
  return [...tiers].sort((a, b) => compareDecimals(a.maxValue, b.maxValue));
}

function readableValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseDecimal(value, 'value', { allowNegative: true });
    return value;
  } catch {
    return undefined;
  }
}

function tier(raw: unknown, field: string): { maxValue: string; confirmations: number } {
  const obj = record(raw, field);
  refuseUnknownKeys(obj, ['maxValue', 'confirmations'], field);
  // Config authors write `maxValue: 50`; integers are exact, so they are taken and turned into
  // decimal strings at once. Fractional numbers are refused: 0.1 is not exactly 0.1 as a float.
  const maxValue =
    typeof obj.maxValue === 'number' && Number.isSafeInteger(obj.maxValue)
      ? String(obj.maxValue)
      : obj.maxValue;
  if (typeof maxValue !== 'string')
    throw new ValidationError(`${field}.maxValue`, 'must be a decimal string such as "50" or "49.99"');
  if (parseDecimal(maxValue, `${field}.maxValue`).coefficient === 0n)
    throw new ValidationError(`${field}.maxValue`, 'must be greater than 0');
  return { maxValue, confirmations: depth(obj.confirmations, `${field}.confirmations`) };
}

function depth(raw: unknown, field: string): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_CONFIRMATIONS)
    throw new ValidationError(field, `must be a whole number from 0 to ${MAX_CONFIRMATIONS}`);
  return raw;
}

function record(raw: unknown, field: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError(field, 'must be an object');
  return raw as Record<string, unknown>;
}

function refuseUnknownKeys(obj: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new ValidationError(field, `unknown key ${unknown.join(', ')}`, { unknown, known });
}
