/** One token, in credit units. */
const TOKEN = 60_000;

/**
 * Per-caller token buckets (per API key, user token or client address), refilled continuously
 * at `perMinute`. In process memory: each api process limits on its own, which bounds the
 * load any one caller can put on it without a shared round trip per request.
 */
export class RateLimiter {
  // Credit is counted in 1/60,000 of a token, so a millisecond refills exactly `perMinute` units
  // and the arithmetic stays in integers: no float drift that refuses a caller who waited for
  // exactly the time it was told.
  readonly #perMinute: number;
  readonly #capacity: number;
  readonly #buckets = new Map<string, { credit: number; at: number }>();

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
    this.#capacity = perMinute * TOKEN;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(caller: string, nowMs = Date.now()): number {
    const bucket = this.#buckets.get(caller) ?? { credit: this.#capacity, at: nowMs };
    // A wall clock set back must not take credit away.
    const elapsedMs = Math.max(0, nowMs - bucket.at);
    bucket.credit = Math.min(this.#capacity, bucket.credit + elapsedMs * this.#perMinute);
    bucket.at = nowMs;
    if (this.#buckets.size > 100_000) this.#buckets.clear();
    this.#buckets.set(caller, bucket);
    if (bucket.credit >= TOKEN) {
      bucket.credit -= TOKEN;
      return 0;
    }
    return Math.ceil((TOKEN - bucket.credit) / this.#perMinute / 1000);
  }
}
