/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order.
 * Public Esplora servers throttle clients that open dozens of requests at once, and a long address
 * list must not turn into one burst. After the first failure no new call starts, and that failure
 * is what the returned promise rejects with.
 *
 * @example
 * const lists = await mapConcurrently(addresses, 8, (address) => getJson(`/address/${address}/txs/mempool`));
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
