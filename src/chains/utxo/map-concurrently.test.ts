import { describe, expect, it } from 'vitest';
import { mapConcurrently } from './map-concurrently.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrently', () => {
  it('keeps the input order and at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(most).toBe(3);
  });

  it('starts nothing new after a failure and rejects with it', async () => {
    const started: number[] = [];
    const failure = mapConcurrently([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('boom');
      return n;
    });
    await expect(failure).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('returns an empty list for no items', async () => {
    expect(await mapConcurrently([], 8, async () => 1)).toEqual([]);
  });
});
