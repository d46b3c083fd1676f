import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createStore } from '../../src/app/create-store.ts';
import { type App, type BuildOptions, buildApp } from '../../src/app-builder.ts';
import { loadConfig } from '../../src/config.ts';
import { connectDatabase } from '../../src/db/client.ts';

export interface RunningKassa {
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  app: App;
  stop(): Promise<void>;
}

/** Starts Kassa in this process on a free port against `databaseUrl`. */
export async function startKassa(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: BuildOptions = {},
): Promise<RunningKassa> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    KASSA_DB_POOL_SIZE: '5',
    KASSA_JOBS_POOL_SIZE: '3',
    // Small pools, derived whole when a wallet is added: no background refill runs unless a
    // test takes enough addresses to reach the low-water mark (half).
    KASSA_ADDRESS_POOL_SIZE: '50',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  // No dev chain unless a test asks for one: tests bring their own chains (or none).
  const app = buildApp(config, {
    logger: pino({ level: env.LOG_LEVEL ?? 'silent' }),
    devChain: false,
    ...options,
  });
  const { port } = await app.start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    app,
    stop: () => app.stop(),
  };
}

export interface KassaProcess {
  child: ChildProcess;
  /** Set for roles that serve HTTP. */
  graphqlUrl?: string;
  wsUrl?: string;
  logs: string[];
  stop(): Promise<number | null>;
}

/**
 * Starts `node src/main.ts` as a separate OS process (a real second api or worker), resolving
 * once it logs that it serves (api, all) or takes jobs (worker).
 */
export async function spawnKassa(
  databaseUrl: string,
  role: 'api' | 'worker' | 'all',
  env: Record<string, string> = {},
): Promise<KassaProcess> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KASSA_ROLE: role,
      // Many test processes share one Postgres (100 connections by default): keep each small.
      KASSA_DB_POOL_SIZE: '5',
      KASSA_JOBS_POOL_SIZE: '3',
      KASSA_ADDRESS_POOL_SIZE: '50',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const ready = new Promise<{ port?: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line);
        if (role !== 'worker' && typeof entry.port === 'number') resolve({ port: entry.port });
        if (role === 'worker' && entry.msg === 'worker is taking jobs') resolve({});
      } catch {
        // not a log line
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    child.once('exit', (code) => reject(new Error(`kassa ${role} exited with ${code}:\n${logs.join('\n')}`)));
  });
  const { port } = await ready;
  return {
    child,
    logs,
    graphqlUrl: port ? `http://127.0.0.1:${port}/graphql` : undefined,
    wsUrl: port ? `ws://127.0.0.1:${port}/graphql` : undefined,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

/** Creates a store with an admin key straight through the use case (as `kassa init` does). */
export async function seedStore(databaseUrl: string, name = 'Test store') {
  const db = connectDatabase(databaseUrl, 1);
  try {
    return await createStore(db.prisma, { name });
  } finally {
    await db.close();
  }
}
