import type { ChainsConfig } from '../chains/chains-config.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { RateService } from '../rates/rate-service.ts';
import type { Authenticator } from './authenticate.ts';
import type { StoreCatalog } from './store-catalog.ts';
import type { WalletDerivers } from './wallet-derivers.ts';

/** Long-lived parts of a running Kassa that use cases and handlers need. */
export interface Services {
  config: Config;
  db: Database;
  bus: EventBus;
  jobs: JobQueue;
  authenticator: Authenticator;
  /** Store settings and wallets, cached per process. */
  stores: StoreCatalog;
  chains: ChainsConfig;
  rates: RateService;
  derivers: WalletDerivers;
  log: Logger;
  now: () => Date;
}
