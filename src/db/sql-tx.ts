import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Tx } from './client.ts';

/**
 * The transaction a repository writes in: Prisma's interactive transaction, or a pg client
 * inside BEGIN … COMMIT (see withPgTransaction). Hot paths use the second: measured here, an
 * interactive Prisma transaction costs ~310 µs of client CPU against ~50 µs for BEGIN, one
 * statement and COMMIT on the same pool.
 */
export type SqlTx = Tx | pg.PoolClient;

/** Where a statement can run: in a transaction, or on the pool as a transaction of its own. */
export type SqlRunner = SqlTx | pg.Pool;

/**
 * Runs one parameterised statement in `tx` and returns its rows. Both kinds answer text, int,
 * jsonb and timestamptz columns alike; numeric and bigint columns differ (Prisma: Decimal and
 * bigint, pg: strings), so statements run through here cast those to text.
 */
export async function runSql<R = Record<string, unknown>>(
  tx: SqlRunner,
  text: string,
  values: readonly unknown[] = [],
  options: { prepare?: boolean } = {},
): Promise<R[]> {
  if ('$queryRawUnsafe' in tx) return tx.$queryRawUnsafe<R[]>(text, ...values);
  const name = options.prepare ? statementName(text) : undefined;
  return (await tx.query({ name, text, values: values as unknown[] })).rows as R[];
}

const names = new Map<string, string>();

/**
 * A prepared statement's name, derived from its text: pg parses a named statement once per
 * connection and then only binds it. Measured on invoice creation's statements, parsing cost
 * about as much Postgres time as executing (pg-boss's job insert: ~380 µs each).
 */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `kassa_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 1000) names.set(text, name);
  }
  return name;
}

/**
 * Runs `fn` inside BEGIN … COMMIT on a client of `pool`, rolling back when it throws. The
 * client goes back to the pool either way (destroyed when even the rollback failed).
 */
export async function withPgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>) {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
