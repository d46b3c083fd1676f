/**
 * Per-caller token buckets (per API key, user token or client address), refilled continuously
 * at `perMinute`. In process memory: each api process limits on its own, which bounds the
 * load any one caller can put on it without a shared round trip per request.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number) {
    this.#capacity = perMinute;
    this.#refillPerMs = perMinute / 60_000;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(caller: string, nowMs = Date.now()): number {
    const bucket = this.#buckets.get(caller) ?? { tokens: this.#capacity, at: nowMs };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (nowMs - bucket.at) * this.#refillPerMs);
    bucket.at = nowMs;
    if (this.#buckets.size > 100_000) this.#buckets.clear();
    this.#buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#refillPerMs / 1000);
  }
}
