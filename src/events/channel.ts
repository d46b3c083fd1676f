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
  // More than one next() may be waiting: the iterator protocol lets a consumer ask again before
  // the first answer came. Each is answered in order.
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    buffered.length = 0;
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    onClose();
  };

  return {
    push(value) {
      if (closed) return;
      const resolve = waiting.shift();
      if (resolve) {
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
        waiting.push(resolve);
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
