/**
 * A Set that forgets its least recently touched entries past `capacity`: the txids a mempool
 * poller has already fetched, kept so that each poll fetches only new transactions, without
 * growing for as long as the process lives.
 *
 * @example
 * const seen = new BoundedSet<string>(100_000);
 * if (!seen.has(txid)) seen.add(txid);
 */
export class BoundedSet<T> {
  readonly capacity: number;
  readonly #items = new Set<T>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.size;
  }

  has(item: T): boolean {
    return this.#items.has(item);
  }

  /** Adds or refreshes `item`; a Set iterates in insertion order, so the first entry is the stalest. */
  add(item: T): void {
    this.#items.delete(item);
    this.#items.add(item);
    while (this.#items.size > this.capacity) {
      this.#items.delete(this.#items.values().next().value as T);
    }
  }

  /** Forgets every entry not in `keep` (e.g. txids that left the mempool). */
  retainOnly(keep: ReadonlySet<T>): void {
    for (const item of this.#items) if (!keep.has(item)) this.#items.delete(item);
  }
}
