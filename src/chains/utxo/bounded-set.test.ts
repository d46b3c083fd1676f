import { describe, expect, it } from 'vitest';
import { BoundedSet } from './bounded-set.ts';

describe('BoundedSet', () => {
  it('forgets the least recently added or refreshed entries past its capacity', () => {
    const set = new BoundedSet<string>(3);
    for (const item of ['a', 'b', 'c']) set.add(item);
    set.add('a'); // refreshed: now the newest
    set.add('d');
    expect(['a', 'b', 'c', 'd'].filter((item) => set.has(item))).toEqual(['a', 'c', 'd']);
    expect(set.size).toBe(3);
  });

  it('keeps only what retainOnly is given', () => {
    const set = new BoundedSet<number>(10);
    for (const n of [1, 2, 3, 4]) set.add(n);
    set.retainOnly(new Set([2, 4, 9]));
    expect([1, 2, 3, 4, 9].filter((n) => set.has(n))).toEqual([2, 4]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedSet(0)).toThrow(RangeError);
  });
});
