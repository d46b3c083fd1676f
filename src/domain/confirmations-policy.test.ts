import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConfirmationsPolicy,
  requiredConfirmations,
  validateConfirmationsPolicy,
} from './confirmations-policy.ts';
import { ValidationError } from './errors.ts';

// The SPEC's example: BTC 0 for ≤ 50 EUR unless RBF, 1 up to 1,000 EUR, 3 above; ETH 12.
const BTC: ConfirmationsPolicy = {
  confirmations: 3,
  currency: 'EUR',
  tiers: [
    { maxValue: '50', confirmations: 0 },
    { maxValue: '1000', confirmations: 1 },
  ],
};
const ETH: ConfirmationsPolicy = { confirmations: 12 };

describe('requiredConfirmations', () => {
  it.each<[string | undefined, boolean, number]>([
    ['0.01', false, 0],
    ['50', false, 0],
    ['50.00', false, 0],
    ['50.01', false, 1],
    ['999.99', false, 1],
    ['1000', false, 1],
    ['1000.01', false, 3],
    ['250000', false, 3],
    ['20', true, 1],
    ['50', true, 1],
    ['500', true, 1],
    ['5000', true, 3],
    [undefined, false, 3],
    [undefined, true, 3],
    ['not a number', false, 3],
  ])('BTC, value %s EUR, RBF %s → %i', (value, signalsRbf, expected) => {
    expect(requiredConfirmations(BTC, { valueInPolicyCurrency: value, signalsRbf })).toBe(expected);
  });

  it('gives ETH 12 whatever the value', () => {
    for (const value of ['0.01', '100000', undefined])
      expect(requiredConfirmations(ETH, { valueInPolicyCurrency: value, signalsRbf: false })).toBe(12);
  });

  it('lets RBF transactions use a 0 tier when the policy allows it', () => {
    const policy = { ...BTC, zeroConfAllowsRbf: true };
    expect(requiredConfirmations(policy, { valueInPolicyCurrency: '20', signalsRbf: true })).toBe(0);
  });

  it('applies the RBF rule to a policy of 0 without tiers too', () => {
    expect(requiredConfirmations({ confirmations: 0 }, { signalsRbf: true })).toBe(1);
    expect(requiredConfirmations({ confirmations: 0 }, { signalsRbf: false })).toBe(0);
  });

  it('sorts tiers itself, so an unsorted policy means the same', () => {
    const unsorted = { ...BTC, tiers: [...(BTC.tiers ?? [])].reverse() };
    for (const value of ['10', '50', '51', '1000', '1001'])
      expect(requiredConfirmations(unsorted, { valueInPolicyCurrency: value, signalsRbf: false })).toBe(
        requiredConfirmations(BTC, { valueInPolicyCurrency: value, signalsRbf: false }),
      );
  });

  it('never asks less of an unknown value than of any known one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        (cents, shift, signalsRbf) => {
          const value = (BigInt(cents) * 10n ** BigInt(shift)).toString();
          const known = requiredConfirmations(BTC, { valueInPolicyCurrency: value, signalsRbf });
          expect(known).toBeLessThanOrEqual(requiredConfirmations(BTC, { signalsRbf }));
          if (signalsRbf) expect(known).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });
});

describe('validateConfirmationsPolicy', () => {
  it('reads the SPEC example, sorting tiers and turning integer maxValues into strings', () => {
    const raw = {
      confirmations: 3,
      currency: 'EUR',
      tiers: [
        { maxValue: 1000, confirmations: 1 },
        { maxValue: '50', confirmations: 0 },
      ],
    };
    expect(validateConfirmationsPolicy(raw, 'assets.BTC')).toEqual(BTC);
    expect(validateConfirmationsPolicy({ confirmations: 12 }, 'assets.ETH')).toEqual(ETH);
    expect(
      validateConfirmationsPolicy({ confirmations: 1, zeroConfAllowsRbf: true, tiers: [] }, 'p'),
    ).toEqual({ confirmations: 1, zeroConfAllowsRbf: true, tiers: [] });
  });

  it.each<[string, unknown, string]>([
    ['not an object', 3, 'p'],
    ['a list', [], 'p'],
    ['null', null, 'p'],
    ['a typo in a key', { confirmation: 3 }, 'p'],
    ['no confirmations', {}, 'p.confirmations'],
    ['negative confirmations', { confirmations: -1 }, 'p.confirmations'],
    ['fractional confirmations', { confirmations: 1.5 }, 'p.confirmations'],
    ['confirmations as a string', { confirmations: '3' }, 'p.confirmations'],
    ['absurd confirmations', { confirmations: 100_000 }, 'p.confirmations'],
    ['a crypto currency', { confirmations: 3, currency: 'BTC' }, 'p.currency'],
    [
      'tiers without currency',
      { confirmations: 3, tiers: [{ maxValue: '50', confirmations: 0 }] },
      'p.currency',
    ],
    ['tiers not a list', { confirmations: 3, currency: 'EUR', tiers: {} }, 'p.tiers'],
    [
      'a float maxValue',
      { confirmations: 3, currency: 'EUR', tiers: [{ maxValue: 49.99, confirmations: 0 }] },
      'p.tiers[0].maxValue',
    ],
    [
      'an exponent maxValue',
      { confirmations: 3, currency: 'EUR', tiers: [{ maxValue: '5e1', confirmations: 0 }] },
      'p.tiers[0].maxValue',
    ],
    [
      'a zero maxValue',
      { confirmations: 3, currency: 'EUR', tiers: [{ maxValue: '0', confirmations: 0 }] },
      'p.tiers[0].maxValue',
    ],
    [
      'an unknown tier key',
      { confirmations: 3, currency: 'EUR', tiers: [{ max: '50', confirmations: 0 }] },
      'p.tiers[0]',
    ],
    [
      'a duplicate maxValue',
      {
        confirmations: 3,
        currency: 'EUR',
        tiers: [
          { maxValue: '50', confirmations: 0 },
          { maxValue: '50.0', confirmations: 1 },
        ],
      },
      'p.tiers',
    ],
    [
      'larger payments needing fewer confirmations',
      {
        confirmations: 3,
        currency: 'EUR',
        tiers: [
          { maxValue: '50', confirmations: 2 },
          { maxValue: '1000', confirmations: 1 },
        ],
      },
      'p.tiers',
    ],
    [
      'the default below the last tier',
      { confirmations: 1, currency: 'EUR', tiers: [{ maxValue: '50', confirmations: 2 }] },
      'p.confirmations',
    ],
    ['a non-boolean RBF flag', { confirmations: 1, zeroConfAllowsRbf: 'yes' }, 'p.zeroConfAllowsRbf'],
    [
      'too many tiers',
      {
        confirmations: 3,
        currency: 'EUR',
        tiers: Array.from({ length: 17 }, (_, i) => ({ maxValue: String(i + 1), confirmations: 1 })),
      },
      'p.tiers',
    ],
  ])('refuses %s, naming %s', (_name, raw, field) => {
    try {
      validateConfirmationsPolicy(raw, 'p');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.field).toBe(field);
    }
  });
});
