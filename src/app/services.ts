import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { Authenticator } from './authenticate.ts';

/** Long-lived parts of a running Kassa that use cases and handlers need. */
export interface Services {
  config: Config;
  db: Database;
  bus: EventBus;
  jobs: JobQueue;
  authenticator: Authenticator;
  log: Logger;
  now: () => Date;
}
