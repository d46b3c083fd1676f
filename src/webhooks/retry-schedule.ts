/**
 * When a failed delivery is tried again: exponential backoff from 10 s, doubling per attempt up
 * to 4 h between attempts, each delay spread by ±20 % so that an endpoint's backlog (after an
 * outage) does not come back as one burst. About 28 attempts fit in the default 3 days.
 */
export const FIRST_RETRY_DELAY_MS = 10_000;
export const MAX_RETRY_DELAY_MS = 4 * 3_600_000;
export const JITTER = 0.2;

/** The delay after failed attempt number `attempt` (1 = the first attempt), jitter included. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.min(30, attempt - 1));
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * The next attempt's time, or undefined when it would fall after the retry window measured from
 * the event (the delivery then fails for good).
 */
export function nextAttemptAt(
  attempt: number,
  now: Date,
  since: Date,
  retryForMs: number,
  random: () => number = Math.random,
): Date | undefined {
  const at = new Date(now.getTime() + retryDelayMs(attempt, random));
  return at.getTime() - since.getTime() <= retryForMs ? at : undefined;
}
