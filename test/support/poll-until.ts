export interface PollOptions {
  /** Fail after this long (default 15 s). */
  timeoutMs?: number;
  /** Wait this long between checks (default 25 ms). */
  pollMs?: number;
  /** What was seen last, added to the failure message (the data a failure report needs). */
  lastSeen?: () => unknown;
}

/**
 * Polls `condition` until it returns a truthy value and returns that value; fails after
 * `timeoutMs` naming what was waited for. The one polling loop of the test suites: each suite's
 * `until` sets its own timeout and interval around it.
 */
export async function pollUntil<T>(
  condition: () => Promise<T | undefined | null | false>,
  what: string,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${JSON.stringify(options.lastSeen(), null, 1)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
