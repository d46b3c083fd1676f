import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of its own for one test file, cloned from the migrated template. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server-level connection string that global setup chose (local server or embedded). */
export function adminDatabaseUrl(): string {
  return inject('adminDatabaseUrl');
}

/** The name of the migrated template database that global setup prepared. */
export function templateDatabaseName(): string {
  return inject('templateDatabaseName');
}

export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database. `migrated: true` (default) clones the template that already has
 * every migration applied; `migrated: false` gives an empty database.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `kassa_t_${inject('runId')}_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : templateDatabaseName();
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: databaseUrlFor(adminDatabaseUrl(), name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * A pool for a test's own queries. Dropping a test database WITH (FORCE) ends its idle
 * connections; without an error listener a pool turns that into an unhandled error that fails
 * the whole run.
 */
export function testPool(connectionString: string, max = 3): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}
