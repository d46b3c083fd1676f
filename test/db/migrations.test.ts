import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../src/db/migrate.ts';
import { diffMigrationsToSchema, isEmptyMigration } from '../../src/db/schema-diff.ts';
import { adminDatabaseUrl, createTestDatabase, type TestDatabase } from '../support/database.ts';

const SCHEMA_PATH = new URL('../../prisma/schema.prisma', import.meta.url).pathname;

describe('prisma/migrations', () => {
  it('agree with schema.prisma (run `npm run migration:new -- <name>` after editing the schema)', async () => {
    const sql = await diffMigrationsToSchema({
      schemaPath: SCHEMA_PATH,
      migrationsDir: MIGRATIONS_DIR,
      serverUrl: adminDatabaseUrl(),
    });
    // Comparing the pending SQL (not a boolean) puts the missing migration in the failure message.
    expect(isEmptyMigration(sql) ? '' : sql).toBe('');
  });

  describe('applied to an empty database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ migrated: false });
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('by 4 concurrent callers, applies each migration exactly once', async () => {
      const migrations = (await readMigrations()).map((m) => m.name);
      expect(migrations.length).toBeGreaterThan(0);

      const results = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(db.url)));

      for (const name of migrations) {
        expect(results.filter((r) => r.applied.includes(name))).toHaveLength(1);
      }
      expect(results.flatMap((r) => r.applied).sort()).toEqual(migrations);
      expect(await historyCounts(db.url)).toEqual(Object.fromEntries(migrations.map((n) => [n, 1])));
    });

    it('a second run applies nothing', async () => {
      const before = await historyCounts(db.url);
      expect(await applyMigrations(db.url)).toEqual({ applied: [] });
      expect(await historyCounts(db.url)).toEqual(before);
    });
  });

  describe('diffMigrationsToSchema', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kassa-schema-diff-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('produces the migration for a schema that has moved on', async () => {
      const schemaPath = join(dir, 'schema.prisma');
      const extra = '\nmodel DriftProbe {\n  id    Int    @id @default(autoincrement())\n  label String\n}\n';
      await writeFile(schemaPath, (await readFile(SCHEMA_PATH, 'utf8')) + extra);

      const sql = await diffMigrationsToSchema({
        schemaPath,
        migrationsDir: MIGRATIONS_DIR,
        serverUrl: adminDatabaseUrl(),
      });

      expect(isEmptyMigration(sql)).toBe(false);
      expect(sql).toContain('CREATE TABLE "DriftProbe"');
      expect(sql).not.toContain('"Store"'); // only the change, not the whole schema
    });

    it('fails naming the migration that does not apply', async () => {
      const migrationsDir = join(dir, 'broken');
      await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
      await mkdir(join(migrationsDir, '99990101000000_broken'));
      await writeFile(
        join(migrationsDir, '99990101000000_broken', 'migration.sql'),
        'ALTER TABLE "Nope" ADD COLUMN "x" INT;',
      );

      await expect(
        diffMigrationsToSchema({ schemaPath: SCHEMA_PATH, migrationsDir, serverUrl: adminDatabaseUrl() }),
      ).rejects.toThrow(/99990101000000_broken/);
    });
  });
});

/** Rows in Prisma's history table per migration name. */
async function historyCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string; n: number }>(
      'SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name',
    );
    return Object.fromEntries(rows.map((r) => [r.migration_name, r.n]));
  } finally {
    await client.end();
  }
}
