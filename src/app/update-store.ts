import type { PrismaClient } from '../db/client.ts';
import { type StoreSettingsInput, validateStoreSettings } from '../domain/store-settings.ts';
import type { EventBus } from '../events/event-bus.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';

/** Changes a store's settings and tells its subscribers, in one transaction. */
export async function updateStore(
  prisma: PrismaClient,
  bus: EventBus,
  storeId: string,
  input: StoreSettingsInput,
) {
  const settings = validateStoreSettings(input);
  const store = await prisma.$transaction(async (tx) => {
    const updated = await tx.store.update({ where: { id: storeId }, data: settings });
    await publishEvents(tx, [{ topic: topics.store(storeId), storeId, payload: { type: 'store.updated' } }]);
    return updated;
  });
  bus.notifyCommitted();
  return store;
}
