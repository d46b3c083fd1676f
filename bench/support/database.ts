import pg from 'pg';

/**
 * Chooses the Postgres that a benchmark's Kassa (and any raw-`pg` baseline) uses:
 *
 * 1. DATABASE_URL, as it is: the operator chose that database.
 * 2. Else a fresh database `kassa_bench_<pid>` on the server of TEST_DATABASE_URL, or on the
 *    local server (postgres://postgres@127.0.0.1:5432, trust auth), dropped afterwards. A fresh
 *    one, because TEST_DATABASE_URL names a server that the tests create their databases on (see
 *    test/support/global-setup.ts), not a database to migrate and fill with benchmark rows.
 * 3. Else nothing: Kassa starts its embedded Postgres, in a data directory of its own so the
 *    benchmark's rows stay out of a developer's `.kassa`.
 */
export interface BenchDatabase {
  /** The database's URL; undefined when Kassa is left to start its embedded Postgres. */
  url: string | undefined;
  source: 'DATABASE_URL' | 'TEST_DATABASE_URL' | 'local server' | 'embedded';
  /** Environment for a Kassa child process (undefined entries are left out of its environment). */
  env: Record<string, string | undefined>;
  /** Drops the database if this run created it. */
  release(): Promise<void>;
}

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const PREFIX = 'kassa_bench_';

export async function chooseDatabase(log: (message: string) => void): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) {
    log('database: DATABASE_URL as given');
    return fixed(process.env.DATABASE_URL, 'DATABASE_URL');
  }
  const server = process.env.TEST_DATABASE_URL || LOCAL_SERVER;
  const source = process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'local server';
  const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    if (source === 'TEST_DATABASE_URL') throw error; // set on purpose, so a failure is an error
    log(
      `database: no Postgres at ${LOCAL_SERVER} (${(error as Error).message}); Kassa starts its embedded one`,
    );
    return {
      url: undefined,
      source: 'embedded',
      env: { DATABASE_URL: undefined, KASSA_DATA_DIR: process.env.KASSA_DATA_DIR || '.kassa/bench' },
      release: async () => {},
    };
  }
  try {
    await dropDatabasesOfDeadRuns(admin);
    const name = `${PREFIX}${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    log(`database: created ${name} on the ${source}`);
    return {
      ...fixed(url.toString(), source),
      async release() {
        const again = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3_000 });
        await again.connect();
        try {
          await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await again.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}

function fixed(url: string, source: BenchDatabase['source']): BenchDatabase {
  return { url, source, env: { DATABASE_URL: url }, release: async () => {} };
}

/** A run killed before its clean-up leaves its database behind; the pid in the name tells. */
async function dropDatabasesOfDeadRuns(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '^${PREFIX}[0-9]+$'`,
  );
  for (const { datname } of rows) {
    if (!isAlive(Number(datname.slice(PREFIX.length)))) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
