import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextPaymentStatus,
  PAYMENT_STATUSES,
  type PaymentChainFacts,
  type PaymentStatus,
} from './payment-status.ts';

const facts = (over: Partial<PaymentChainFacts> = {}): PaymentChainFacts => ({
  confirmations: 0,
  required: 1,
  vanished: false,
  doubleSpent: false,
  ...over,
});

describe('nextPaymentStatus', () => {
  it.each<[string, Partial<PaymentChainFacts>, PaymentStatus, PaymentStatus]>([
    ['in the mempool', { confirmations: 0, required: 1 }, 'PENDING', 'PENDING'],
    ['zero-conf allowed, in the mempool', { confirmations: 0, required: 0 }, 'PENDING', 'CONFIRMED'],
    ['one block short', { confirmations: 2, required: 3 }, 'PENDING', 'PENDING'],
    ['deep enough', { confirmations: 3, required: 3 }, 'PENDING', 'CONFIRMED'],
    ['deeper still', { confirmations: 50, required: 12 }, 'CONFIRMED', 'CONFIRMED'],
    ['reorged back into the mempool', { confirmations: 0, required: 3 }, 'CONFIRMED', 'PENDING'],
    ['re-mined shallower after a reorg', { confirmations: 1, required: 3 }, 'CONFIRMED', 'PENDING'],
    ['re-mined deep enough after a reorg', { confirmations: 3, required: 3 }, 'PENDING', 'CONFIRMED'],
    ['vanished, may come back', { vanished: true }, 'CONFIRMED', 'PENDING'],
    ['vanished, zero-conf policy', { vanished: true, required: 0 }, 'CONFIRMED', 'PENDING'],
    ['vanished, not yet past depth', { vanished: true, reorgedDeeperThan: false }, 'PENDING', 'PENDING'],
    ['vanished past the depth', { vanished: true, reorgedDeeperThan: true }, 'CONFIRMED', 'REVERSED'],
    ['past depth but not vanished', { confirmations: 5, reorgedDeeperThan: true }, 'PENDING', 'CONFIRMED'],
    ['double-spent in the mempool', { doubleSpent: true }, 'PENDING', 'REVERSED'],
    ['double-spent after confirming', { confirmations: 6, doubleSpent: true }, 'CONFIRMED', 'REVERSED'],
    ['reversed, then seen again', { confirmations: 10 }, 'REVERSED', 'REVERSED'],
  ])('%s', (_name, over, previous, next) => {
    expect(nextPaymentStatus(facts(over), previous)).toBe(next);
  });

  it('keeps REVERSED final and otherwise depends only on the facts', () => {
    fc.assert(
      fc.property(
        fc.record({
          confirmations: fc.integer({ min: 0, max: 200 }),
          required: fc.integer({ min: 0, max: 100 }),
          vanished: fc.boolean(),
          doubleSpent: fc.boolean(),
          reorgedDeeperThan: fc.option(fc.boolean(), { nil: undefined }),
        }),
        fc.constantFrom(...PAYMENT_STATUSES),
        (f, previous) => {
          const next = nextPaymentStatus(f, previous);
          if (previous === 'REVERSED') expect(next).toBe('REVERSED');
          else expect(next).toBe(nextPaymentStatus(f, 'PENDING'));
          if (next === 'CONFIRMED') expect(f.confirmations >= f.required && !f.vanished).toBe(true);
          // Idempotent: feeding the result back with the same facts changes nothing.
          expect(nextPaymentStatus(f, next)).toBe(next);
        },
      ),
    );
  });
});
