import { type StoreSettingsInput, validateStoreSettings } from '../domain/store-settings.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import type { Services } from './services.ts';

/** Changes a store's settings and tells its subscribers and every api process, in one transaction. */
export async function updateStore(services: Services, storeId: string, input: StoreSettingsInput) {
  const settings = validateStoreSettings(input);
  const store = await services.db.prisma.$transaction(async (tx) => {
    const updated = await tx.store.update({ where: { id: storeId }, data: settings });
    await publishEvents(tx, [
      { topic: topics.store(storeId), storeId, payload: { type: 'store.updated' } },
      { topic: topics.storeChanged(), storeId, payload: { type: 'store.updated' } },
    ]);
    return updated;
  });
  services.stores.forget(storeId);
  services.bus.notifyCommitted();
  return store;
}
