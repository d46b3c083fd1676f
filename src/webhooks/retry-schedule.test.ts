import { describe, expect, it } from 'vitest';
import { classifyAnswer } from './classify-answer.ts';
import { nextAttemptAt, retryDelayMs } from './retry-schedule.ts';

describe('retryDelayMs', () => {
  it('doubles from 10 s up to 4 h, spread by ±20 %', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, () => 0.5))).toEqual([
      10_000, 20_000, 40_000, 80_000, 5_120_000,
    ]);
    expect(retryDelayMs(11, () => 0.5)).toBe(10_240_000);
    expect(retryDelayMs(12, () => 0.5)).toBe(4 * 3_600_000);
    expect(retryDelayMs(500, () => 0.5)).toBe(4 * 3_600_000);
    expect(retryDelayMs(1, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, () => 0.999999)).toBe(12_000);
  });

  it('fits about 28 attempts into 3 days, all inside the window', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    let now = since;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAt(attempts, now, since, 72 * 3_600_000, () => 0.5);
      if (!next) break;
      expect(next.getTime() - since.getTime()).toBeLessThanOrEqual(72 * 3_600_000);
      now = next;
      attempts++;
    }
    expect(attempts).toBe(28);
    expect(now.getTime() - since.getTime()).toBeGreaterThan(68 * 3_600_000);
  });
});

describe('classifyAnswer', () => {
  it.each([
    [200, 'success'],
    [201, 'success'],
    [204, 'success'],
    [299, 'success'],
    [undefined, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [599, 'retry'],
    [301, 'final'],
    [302, 'final'],
    [400, 'final'],
    [401, 'final'],
    [404, 'final'],
    [410, 'final'],
    [422, 'final'],
  ] as const)('%s → %s', (status, verdict) => {
    expect(classifyAnswer(status)).toBe(verdict);
  });
});
