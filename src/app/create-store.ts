import { randomUUID } from 'node:crypto';
import type { PrismaClient, Tx } from '../db/client.ts';
import { inTransaction } from '../db/transaction.ts';
import { issueSecret } from '../domain/secret-token.ts';
import { type StoreSettingsInput, validateStoreSettings } from '../domain/store-settings.ts';

/** Creates a store and its first `admin` API key; the key's secret is returned only here. */
export async function createStore(
  db: PrismaClient | Tx,
  input: StoreSettingsInput & { name: string },
): Promise<{ store: { id: string; name: string }; apiKey: { id: string; secret: string } }> {
  const settings = validateStoreSettings(input);
  const issued = issueSecret('sk');
  const storeId = randomUUID();
  const keyId = randomUUID();
  const store = await inTransaction(db, async (tx) => {
    const created = await tx.store.create({
      data: { id: storeId, name: settings.name ?? input.name, ...settings },
    });
    await tx.apiKey.create({
      data: {
        id: keyId,
        storeId,
        label: 'admin (created with the store)',
        prefix: issued.prefix,
        secretHash: issued.hash,
        scopes: ['admin'],
      },
    });
    return created;
  });
  return { store: { id: store.id, name: store.name }, apiKey: { id: keyId, secret: issued.secret } };
}
