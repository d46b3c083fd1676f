import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { type ChildServer, startChildServer } from './child-server.ts';
import type { BenchDatabase } from './database.ts';
import { type JsonPoster, jsonPoster } from './json-poster.ts';

/**
 * A Kassa server in a child process with a store and that store's admin API key, for the
 * benchmarks that need both (the realtime ones). On a database with no store yet the key is the
 * one Kassa logs when it creates its first store (kept out of the progress output); on one that
 * has stores already (DATABASE_URL) a store is created with `kassa create-store`. The same
 * steps as bench/create-invoice.ts, in a reusable shape.
 */
export interface KassaChild {
  server: ChildServer;
  apiKey: string;
  /** http://127.0.0.1:<port>/graphql */
  httpUrl: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  /** POSTs one operation with the admin key; anything but 200 with data and no errors throws. */
  graphql: GraphQL;
  stop(): Promise<void>;
}

export type GraphQL = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export interface StartKassaOptions {
  db: BenchDatabase;
  /** The server script (default bench/support/servers/kassa.ts). */
  script?: string;
  /** Added to the child's environment (after process.env and the database's). */
  env?: Record<string, string | undefined>;
  /** The admin key of a store to use instead of finding or creating one. */
  apiKey?: string;
  log: (message: string) => void;
  /** Sees each log line first; returning true keeps it out of the progress output. */
  onLine?: (line: string) => boolean;
  /** Name in the progress output. */
  tag?: string;
}

const DEFAULT_SCRIPT = new URL('./servers/kassa.ts', import.meta.url).pathname;

export async function startKassa(options: StartKassaOptions): Promise<KassaChild> {
  const { db, log } = options;
  const tag = options.tag ?? 'kassa';
  if (!db.url)
    throw new Error('this benchmark needs a Postgres server it can reach (DATABASE_URL or the local server)');
  const hadStores = options.apiKey ? -1 : await countStores(db.url);
  let loggedKey: string | undefined;
  const server = await startChildServer({
    script: options.script ?? DEFAULT_SCRIPT,
    env: { ...process.env, ...db.env, ...options.env },
    onLog: (line) => {
      if (options.onLine?.(line)) return;
      const key = apiKeyIn(line);
      if (key) {
        loggedKey = key;
        line = line.replace(key, '<admin key, hidden>');
      }
      log(`  ${tag} server: ${line}`);
    },
  });
  try {
    let apiKey = options.apiKey;
    if (!apiKey && hadStores === 0) {
      // pino writes asynchronously: the key's line may come just after the port line.
      const until = Date.now() + 10_000;
      while (!loggedKey) {
        if (Date.now() > until) throw new Error('Kassa logged no first-store admin key within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      apiKey = loggedKey;
      log(`${tag}: store: the first store, with the admin key Kassa logged at its first start`);
    } else if (!apiKey) {
      log(`${tag}: store: the database has ${hadStores} stores; creating one with \`kassa create-store\``);
      apiKey = await createStoreWithCli(db.url);
    }
    const httpUrl = `http://127.0.0.1:${server.port}/graphql`;
    const poster = jsonPoster(httpUrl, { headers: { authorization: `Bearer ${apiKey}` }, maxSockets: 4 });
    return {
      server,
      apiKey,
      httpUrl,
      wsUrl: `ws://127.0.0.1:${server.port}/graphql`,
      graphql: graphqlCaller(poster),
      async stop() {
        poster.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function apiKeyIn(line: string): string | undefined {
  if (!line.includes('"apiKey"')) return undefined;
  try {
    const key = (JSON.parse(line) as { apiKey?: unknown }).apiKey;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

export function graphqlCaller(api: JsonPoster): GraphQL {
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const { status, text } = await api.post(JSON.stringify({ query, variables }));
    if (status !== 200) throw new Error(`status ${status}: ${text.slice(0, 500)}`);
    const parsed = JSON.parse(text) as { data?: T; errors?: unknown };
    if (parsed.errors || !parsed.data) throw new Error(`GraphQL errors: ${text.slice(0, 500)}`);
    return parsed.data;
  };
}

/** Stores in the database; 0 when Kassa has not created its tables yet. */
async function countStores(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(
      `SELECT to_regclass('public."Store"') IS NOT NULL AS exists`,
    );
    if (!rows[0].exists) return 0;
    const stores = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM public."Store"');
    return stores.rows[0].n;
  } finally {
    await client.end();
  }
}

/** `npm run kassa -- create-store --name bench` against the benchmark's database. */
async function createStoreWithCli(databaseUrl: string): Promise<string> {
  const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'create-store', '--name', 'bench'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const key = /^api key:\s+(\S+)/m.exec(stdout)?.[1];
  if (!key) throw new Error(`kassa create-store printed no api key: ${stdout}`);
  return key;
}
