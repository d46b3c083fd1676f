import { randomUUID } from 'node:crypto';
import { insertFreeAddresses } from '../db/address-pool.ts';
import { KassaError, ValidationError } from '../domain/errors.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import { requestPoolRefill } from './request-pool-refill.ts';
import type { Services } from './services.ts';

/** Addresses derived while adding a wallet (~50 ms); a worker derives the rest of the pool. */
const INITIAL_POOL = 200;

export interface AddWalletInput {
  chain: string;
  extendedKey: string;
  scriptType?: string | null;
  label?: string | null;
}

/**
 * Adds a watch-only wallet (an extended PUBLIC key) for a chain with the start of its address
 * pool, so invoices can use it at once; a worker job derives the rest of the pool. The newest
 * wallet of a chain receives new invoices. Adding the same key and script type again returns
 * the existing wallet. Private keys, keys of another
 * network and malformed keys are refused with a typed error before anything is written.
 */
export async function addWallet(services: Services, storeId: string, input: AddWalletInput) {
  const label = input.label?.trim() || null;
  if (label && label.length > 100) throw new ValidationError('label', 'must be at most 100 characters');
  const deriver = services.derivers.forNewKey(input.chain, input.extendedKey.trim(), input.scriptType);
  const { prisma } = services.db;
  const key = {
    storeId,
    chain: input.chain,
    extendedKey: deriver.extendedKey,
    scriptType: deriver.scriptType,
  };
  const existing = await prisma.wallet.findUnique({ where: { storeId_chain_extendedKey_scriptType: key } });
  if (existing) return existing;
  // Addresses are unique per chain: a key shared by two stores would make every payment to it
  // ambiguous (and the second store's pool would silently collide with the first's).
  const elsewhere = await prisma.wallet.findFirst({
    where: { chain: input.chain, extendedKey: deriver.extendedKey, storeId: { not: storeId } },
    select: { id: true },
  });
  if (elsewhere) throw new KassaError('CONFLICT', 'this extended key is already used by another store');
  const initial = Math.min(services.config.addressPoolSize, INITIAL_POOL);
  const addresses = deriver.derive(0, initial);
  const id = randomUUID();
  const wallet = await prisma.$transaction(async (tx) => {
    const created = await tx.wallet.create({ data: { id, ...key, label, nextIndex: initial } });
    await insertFreeAddresses(tx, created, addresses);
    // New invoices on this chain now go to this wallet: every api process re-reads the store.
    await publishEvents(tx, [{ topic: topics.storeChanged(), storeId, payload: { type: 'wallet.added' } }]);
    return created;
  });
  services.stores.forget(storeId);
  services.bus.notifyCommitted();
  if (initial < services.config.addressPoolSize) requestPoolRefill(services, id);
  return wallet;
}
