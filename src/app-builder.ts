import { mkdirSync } from 'node:fs';
import { Authenticator } from './app/authenticate.ts';
import { ensureFirstStore } from './app/ensure-first-store.ts';
import type { Services } from './app/services.ts';
import { StoreCatalog } from './app/store-catalog.ts';
import { WalletDerivers } from './app/wallet-derivers.ts';
import {
  type ChainsConfig,
  ChainsConfigError,
  loadChainsConfig,
  parseChainsConfig,
} from './chains/chains-config.ts';
import { createAddressDeriver } from './chains/create-address-deriver.ts';
import type { Config } from './config.ts';
import { connectDatabase } from './db/client.ts';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { applyMigrations } from './db/migrate.ts';
import { type PreparedDevChain, prepareDevChain } from './dev-chain/prepare-dev-chain.ts';
import { type DevChain, startDevChain } from './dev-chain/start-dev-chain.ts';
import { EventBus } from './events/event-bus.ts';
import { createMetrics } from './http/metrics.ts';
import { createHttpServer } from './http/server.ts';
import { startDeadlineSweep } from './jobs/deadline-sweep.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { JobQueue } from './jobs/job-queue.ts';
import type { QueueName } from './jobs/queues.ts';
import { createLogger, type Logger } from './logger.ts';
import { buildRateService } from './rates/build-rate-service.ts';

export interface App {
  /** Starts every part of the configured role; resolves when it serves. */
  start(): Promise<{ url?: string; port?: number }>;
  /** Stops in reverse order: stop taking work, finish running jobs, close connections. */
  stop(): Promise<void>;
  readonly services: Services | undefined;
}

/**
 * Wires one Kassa process. Roles: `api` (GraphQL, subscriptions, checkout), `worker` (jobs),
 * `all` (both). Postgres is the only thing the processes share.
 */
export interface BuildOptions {
  logger?: Logger;
  /** Chains configuration as an object instead of KASSA_CHAINS_CONFIG (tests, embedding). */
  chains?: ChainsConfig;
  /** The clock every use case reads (tests move it; production uses the system clock). */
  now?: () => Date;
  /**
   * With no chains configured, role `all` starts the local development chain (anvil, a test
   * token, a development store). Default true; false runs with no chains at all.
   */
  devChain?: boolean;
}

export function buildApp(config: Config, options: BuildOptions = {}): App {
  const log = options.logger ?? createLogger(config.logLevel, config.role);
  const runsApi = config.role !== 'worker';
  const runsWorker = config.role !== 'api';
  const stops: Array<() => Promise<void>> = [];
  let services: Services | undefined;
  const running = (): Services => {
    if (!services) throw new Error('Kassa is not started');
    return services;
  };

  async function start() {
    // Chains and rates are validated before anything starts: a bad file fails fast.
    const configured =
      options.chains ?? (config.chainsConfigPath ? loadChainsConfig(config.chainsConfigPath) : undefined);
    // The dev chain is a single-process convenience: separate api and worker processes would
    // each start a chain of their own.
    let devChain: DevChain | undefined;
    if (!configured && config.role === 'all' && options.devChain !== false) {
      devChain = await startDevChain({
        dataDir: config.dataDir,
        log: (line) => log.debug({ anvil: line }, 'dev chain'),
      });
      stops.push(devChain.stop);
    } else if (!configured && config.role !== 'all') {
      log.warn(
        'KASSA_CHAINS_CONFIG is not set: this process watches no chains (the dev chain runs only in role all)',
      );
    }
    const chains =
      configured ??
      devChain?.chains ??
      parseChainsConfig({
        chains: {},
        assets: {},
        rates: { providers: [{ kind: 'fixed', rates: {} }] },
      });
    let rates: ReturnType<typeof buildRateService>;
    try {
      rates = buildRateService(chains.rates);
    } catch (error) {
      throw new ChainsConfigError(`rates: ${(error as Error).message}`);
    }
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      mkdirSync(config.dataDir, { recursive: true });
      log.warn({ dataDir: config.dataDir }, 'DATABASE_URL is not set: starting the embedded Postgres');
      const embedded = await startEmbeddedPostgres({
        dataDir: `${config.dataDir}/pg`,
        log: (line) => log.debug({ postgres: line }, 'embedded postgres'),
      });
      stops.push(embedded.stop);
      databaseUrl = embedded.url;
    }
    const { applied } = await applyMigrations(databaseUrl, { log: (msg) => log.info(msg) });
    if (applied.length > 0) log.info({ applied }, 'database migrated');

    const db = connectDatabase(databaseUrl, config.dbPoolSize);
    stops.push(db.close);
    const bus = new EventBus(db.pool, databaseUrl, log);
    const jobs = new JobQueue(databaseUrl, log, { maxConnections: config.jobsPoolSize });
    const now = options.now ?? (() => new Date());
    const authenticator = new Authenticator(db.prisma, now);
    const derivers = new WalletDerivers(chains, createAddressDeriver);
    const stores = new StoreCatalog(db.prisma);
    services = { config, db, bus, jobs, authenticator, stores, chains, rates, derivers, log, now };
    const metrics = createMetrics();

    await jobs.start({ schedule: runsWorker });
    stops.push(() => jobs.stop());

    // Before the first-store check below: on a new installation the dev store is the first store.
    let dev: PreparedDevChain | undefined;
    if (devChain) {
      dev = await prepareDevChain(running(), devChain);
      stops.push(dev.stop);
    }

    let listening: { url?: string; port?: number } = {};
    if (runsApi) {
      await bus.start();
      stops.push(() => bus.stop());
      authenticator.listen(bus);
      stops.push(async () => authenticator.stop());
      stores.listen(bus);
      stops.push(async () => stores.stop());
      const http = createHttpServer(running(), authenticator, metrics, async () => {
        await db.pool.query('SELECT 1');
        return true;
      });
      listening = await http.listen();
      stops.push(() => http.close());
      log.info(
        { url: `${config.publicUrl}/graphql`, port: listening.port },
        'Kassa API is serving GraphiQL and GraphQL',
      );

      const first = await ensureFirstStore(db.prisma);
      if (first) {
        log.warn(
          { storeId: first.store.id, apiKey: first.apiKey.secret },
          'created the first store and its admin API key; it is shown only this once: store it now',
        );
      }
    }
    if (runsWorker) {
      const handlers = jobHandlers(running());
      for (const name of Object.keys(handlers) as QueueName[]) {
        await jobs.work(name, handlers[name] as never);
      }
      // Start (or keep) one watcher relay per chain, with a per-minute safety net.
      for (const chain of Object.keys(chains.chains)) {
        await jobs.send('chain.watch', { chain }, { singletonKey: chain });
        await jobs.scheduleKeyed('chain.watch', '* * * * *', { chain }, chain);
      }
      const sweep = startDeadlineSweep(running());
      stops.push(() => sweep.stop());
      log.info(
        { queues: Object.keys(handlers), chains: Object.keys(chains.chains) },
        'worker is taking jobs',
      );
    }
    dev?.announce();
    return listening;
  }

  async function stop() {
    while (stops.length > 0) {
      const next = stops.pop()!;
      await next().catch((error: Error) => log.error({ err: error }, 'error while stopping'));
    }
  }

  return {
    start,
    stop,
    get services() {
      return services;
    },
  };
}
