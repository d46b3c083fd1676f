import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database, PrismaClient } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { JobQueue } from '../jobs/job-queue.ts';

/** Who is calling. Resolved once per request (or per WebSocket connection) from the bearer. */
export type Auth =
  | { kind: 'anonymous' }
  | { kind: 'apiKey'; storeId: string; keyId: string; scopes: string[] }
  | { kind: 'user'; storeId: string; userId: string; tokenId: string; expiresAt: Date };

/** Long-lived parts of a running Kassa, shared by every request. */
export interface Services {
  config: Config;
  db: Database;
  bus: EventBus;
  jobs: JobQueue;
  log: Logger;
  now: () => Date;
}

export interface Context {
  auth: Auth;
  services: Services;
  prisma: PrismaClient;
}

/** The store an authenticated caller acts for; undefined for anonymous callers. */
export function storeIdOf(auth: Auth): string | undefined {
  return auth.kind === 'anonymous' ? undefined : auth.storeId;
}
