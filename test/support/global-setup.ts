import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { databaseUrlFor } from './database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabaseName: string;
    runId: string;
  }
}

/**
 * Chooses the Postgres server for the whole run: TEST_DATABASE_URL or DATABASE_URL when set
 * (CI: the local server), otherwise an embedded Postgres under .kassa/test-pg. Prepares one
 * migrated template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: '.kassa/test-pg', port: 54329 });
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const template = `kassa_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Databases of runs that were killed would otherwise pile up on a developer's server; each
  // name carries the pid of the run that made it, and only dead runs' databases are dropped.
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '^kassa_(t|template)_[0-9]+'`,
  );
  for (const { datname } of rows) {
    const pid = Number(/^kassa_(?:t|template)_(\d+)/.exec(datname)?.[1]);
    if (!isAlive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  }
  await admin.query(`CREATE DATABASE "${template}"`);
  await applyMigrations(databaseUrlFor(adminUrl, template));
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabaseName', template);
  project.provide('runId', String(process.pid));

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    await stopEmbedded?.();
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
