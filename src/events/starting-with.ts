/**
 * Prepends one value to a subscription's events, so a subscriber first receives the current
 * state: anything that changed between its last query and its subscribe is never lost. The
 * underlying subscription is already registered when this is called, so no event falls into
 * the gap either. Closing before the first read still unsubscribes (a generator would not).
 */
export function startingWith<I, T>(
  initial: I,
  events: AsyncIterableIterator<T>,
): AsyncIterableIterator<I | T> {
  let sentInitial = false;
  const done = { value: undefined, done: true } as const;
  return {
    next() {
      if (sentInitial) return events.next();
      sentInitial = true;
      return Promise.resolve({ value: initial, done: false });
    },
    async return() {
      await events.return?.();
      return done;
    },
    async throw(error) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
