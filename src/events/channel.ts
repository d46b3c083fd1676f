/**
 * A push-to-pull bridge: producers `push`, one consumer iterates. Closing (by the consumer's
 * `return()` when a subscription ends, or by the producer) runs `onClose` exactly once so the
 * bus can forget the listener.
 */
export interface Channel<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  close(): void;
}

export function createChannel<T>(onClose: () => void = () => {}): Channel<T> {
  const buffered: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    buffered.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
    onClose();
  };

  return {
    push(value) {
      if (closed) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value, done: false });
      } else {
        buffered.push(value);
      }
    },
    close,
    next() {
      if (buffered.length > 0) return Promise.resolve({ value: buffered.shift() as T, done: false });
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error) {
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
