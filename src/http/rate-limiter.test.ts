import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

const T0 = 1_800_000_000_000;

describe('RateLimiter', () => {
  it('lets a new caller make a full minute of requests at once, then asks it to wait', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i++) expect(limiter.take('key:a', T0), `request ${i + 1}`).toBe(0);
    // One token per second comes back: the next one is a second away.
    expect(limiter.take('key:a', T0)).toBe(1);
  });

  it('refills continuously at perMinute / 60 tokens per second', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i++) limiter.take('key:a', T0);
    expect(limiter.take('key:a', T0 + 500)).toBe(1); // half a token: not yet
    expect(limiter.take('key:a', T0 + 1000)).toBe(0); // one token
    expect(limiter.take('key:a', T0 + 1000)).toBe(1);
    expect(limiter.take('key:a', T0 + 4000)).toBe(0); // three more
    expect(limiter.take('key:a', T0 + 4000)).toBe(0);
    expect(limiter.take('key:a', T0 + 4000)).toBe(0);
    expect(limiter.take('key:a', T0 + 4000)).toBe(1);
  });

  it('does not count refused requests against the caller', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i++) limiter.take('key:a', T0);
    for (let i = 0; i < 100; i++) expect(limiter.take('key:a', T0 + 10)).toBe(1);
    expect(limiter.take('key:a', T0 + 1000)).toBe(0);
  });

  it('answers the whole seconds until the next token', () => {
    const limiter = new RateLimiter(5); // one token per 12 s
    for (let i = 0; i < 5; i++) limiter.take('key:a', T0);
    expect(limiter.take('key:a', T0)).toBe(12);
    expect(limiter.take('key:a', T0 + 2_500)).toBe(10); // 9.5 s left, rounded up
    expect(limiter.take('key:a', T0 + 11_999)).toBe(1);
    expect(limiter.take('key:a', T0 + 12_000)).toBe(0);

    const slow = new RateLimiter(1);
    expect(slow.take('key:b', T0)).toBe(0);
    expect(slow.take('key:b', T0)).toBe(60);
  });

  it('never saves up more than one minute of requests', () => {
    const limiter = new RateLimiter(60);
    limiter.take('key:a', T0);
    const later = T0 + 24 * 3_600_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('key:a', later)).toBe(0);
    expect(limiter.take('key:a', later)).toBe(1);
  });

  it('keeps one bucket per caller', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.take('key:a', T0)).toBe(0);
    expect(limiter.take('key:a', T0)).toBe(0);
    expect(limiter.take('key:a', T0)).toBeGreaterThan(0);
    expect(limiter.take('key:b', T0)).toBe(0);
    expect(limiter.take('ip:127.0.0.1', T0)).toBe(0);
  });

  it('does not punish a caller when the clock steps back', () => {
    const limiter = new RateLimiter(60);
    expect(limiter.take('key:a', T0)).toBe(0);
    // The wall clock is set back an hour (NTP, a VM resumed): the caller keeps its tokens.
    const earlier = T0 - 3_600_000;
    for (let i = 0; i < 59; i++) expect(limiter.take('key:a', earlier), `request ${i + 2}`).toBe(0);
    expect(limiter.take('key:a', earlier)).toBe(1);
    expect(limiter.take('key:a', earlier + 1000)).toBe(0);
  });
});
