// Creates the next Prisma migration from the difference between prisma/migrations and
// prisma/schema.prisma, without Prisma's downloaded native engine (see src/db/schema-diff.ts).
//
//   node scripts/new-migration.ts <name>    write prisma/migrations/<UTC timestamp>_<name>/migration.sql
//   node scripts/new-migration.ts --check   exit 1 and print the pending SQL if they disagree (CI)
//
// The Postgres server comes from DATABASE_URL or TEST_DATABASE_URL; only a temporary shadow
// database is created (and dropped) there. With internet access, `npx prisma migrate dev
// --name <name>` writes the same files.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffMigrationsToSchema, isEmptyMigration, MIGRATION_LOCK_TOML } from '../src/db/schema-diff.ts';

const root = new URL('..', import.meta.url).pathname;
const schemaPath = join(root, 'prisma', 'schema.prisma');
const migrationsDir = join(root, 'prisma', 'migrations');

/** Prisma's migration folder prefix: the UTC time as yyyymmddHHMMSS. */
export function migrationTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const name = args.find((a) => !a.startsWith('--'));
  if (!check && !name) return fail('usage: npm run migration:new -- <name>   (or --check)');
  // Letters, digits and underscores only, so the folder name is safe on every file system.
  const safeName = name
    ?.trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!check && !safeName) return fail(`invalid migration name: ${JSON.stringify(name)}`);

  const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    return fail(
      'set DATABASE_URL or TEST_DATABASE_URL to a Postgres server (a temporary shadow database is created there)',
    );
  }

  const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir, serverUrl });
  if (isEmptyMigration(sql)) {
    console.log('schema.prisma and the migrations agree; nothing to do');
    return 0;
  }
  if (check) {
    console.error(
      'schema.prisma has changes that no migration covers; run `npm run migration:new -- <name>`. Pending SQL:\n',
    );
    console.error(sql);
    return 1;
  }

  const folder = `${migrationTimestamp()}_${safeName}`;
  const dir = join(migrationsDir, folder);
  if (existsSync(dir)) return fail(`the migration directory already exists at ${dir}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), sql, 'utf8');
  const lockFile = join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockFile)) await writeFile(lockFile, MIGRATION_LOCK_TOML, 'utf8');
  console.log(`wrote prisma/migrations/${folder}/migration.sql\n\n${sql}`);
  return 0;
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
