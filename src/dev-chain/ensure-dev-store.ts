import { addWallet } from '../app/add-wallet.ts';
import { createStore } from '../app/create-store.ts';
import { ensureFirstStore } from '../app/ensure-first-store.ts';
import type { Services } from '../app/services.ts';
import { DEV_CHAIN_NAME } from './dev-chain-config.ts';
import { devWalletExtendedKey } from './dev-wallet.ts';

export const DEV_STORE_NAME = 'Development store';

export interface DevStore {
  storeId: string;
  /** The admin key's secret, only on the start that created the store (shown once). */
  apiKey?: string;
}

/**
 * The development store: the store whose dev-chain wallet is the published test mnemonic's
 * account, created once. On a brand-new installation it is the first store (so the one admin
 * key Kassa prints works at once); otherwise a store of its own beside the existing ones.
 */
export async function ensureDevStore(services: Services): Promise<DevStore> {
  const { prisma } = services.db;
  const extendedKey = services.derivers.forNewKey(DEV_CHAIN_NAME, devWalletExtendedKey()).extendedKey;
  const existing = await prisma.wallet.findFirst({
    where: { chain: DEV_CHAIN_NAME, extendedKey },
    select: { storeId: true },
  });
  if (existing) return { storeId: existing.storeId };
  const created =
    (await ensureFirstStore(prisma, DEV_STORE_NAME)) ?? (await createStore(prisma, { name: DEV_STORE_NAME }));
  await addWallet(services, created.store.id, {
    chain: DEV_CHAIN_NAME,
    extendedKey,
    label: 'dev chain: published test mnemonic, development only',
  });
  return { storeId: created.store.id, apiKey: created.apiKey.secret };
}
