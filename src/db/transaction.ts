import type { PrismaClient, Tx } from './client.ts';

/**
 * Runs `fn` in a transaction, or inside the caller's transaction when given one, so a use case
 * can stand alone or be one step of a larger business event.
 */
export function inTransaction<T>(db: PrismaClient | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('$transaction' in db) return db.$transaction(fn);
  return fn(db);
}
