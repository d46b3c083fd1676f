import { pruneEvents } from '../app/prune-events.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

export function pruneEventsHandler(services: Services): JobHandler<'events.prune'> {
  return async () => {
    const deleted = await pruneEvents(services.db.prisma, services.now());
    if (deleted > 0) services.log.info({ deleted }, 'pruned old subscription events');
  };
}
