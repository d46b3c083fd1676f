import { describe, expect, it } from 'vitest';
import { SweepBackoff } from './deadline-sweep.ts';

describe('SweepBackoff', () => {
  it('passes over a failing invoice for 5 s, then twice as long after each failure, at most 5 min', () => {
    const backoff = new SweepBackoff();
    const t0 = 1_000_000;
    expect(backoff.failed('a', t0)).toBe(5_000);
    expect(backoff.waiting(t0 + 4_999)).toEqual(['a']);
    expect(backoff.waiting(t0 + 5_000)).toEqual([]);
    expect(backoff.failed('a', t0 + 5_000)).toBe(10_000);
    let now = t0 + 15_000;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const delay = backoff.failed('a', now);
      delays.push(delay);
      now += delay;
    }
    expect(delays).toEqual([20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000]);
    expect(backoff.waiting(now - 1)).toEqual(['a']);
  });

  it('forgets an invoice that has not failed again for a while, and keeps others apart', () => {
    const backoff = new SweepBackoff();
    backoff.failed('a', 0);
    backoff.failed('b', 3_000);
    expect(backoff.waiting(4_000).sort()).toEqual(['a', 'b']);
    expect(backoff.waiting(6_000)).toEqual(['b']);
    // Long past its retry without a new failure: a later failure starts again at 5 s.
    expect(backoff.waiting(10 * 60_000)).toEqual([]);
    expect(backoff.failed('a', 10 * 60_000)).toBe(5_000);
  });
});
