import { randomUUID } from 'node:crypto';
import { insertFreeAddresses } from '../db/address-pool.ts';
import { KassaError, ValidationError } from '../domain/errors.ts';
import { POOL_TARGET } from './refill-address-pool.ts';
import type { Services } from './services.ts';

export interface AddWalletInput {
  chain: string;
  extendedKey: string;
  scriptType?: string | null;
  label?: string | null;
}

/**
 * Adds a watch-only wallet (an extended PUBLIC key) for a chain and fills its address pool, so
 * invoices can use it at once. The newest wallet of a chain receives new invoices. Adding the
 * same key and script type again returns the existing wallet. Private keys, keys of another
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
  const addresses = deriver.derive(0, POOL_TARGET);
  const id = randomUUID();
  return prisma.$transaction(async (tx) => {
    const wallet = await tx.wallet.create({ data: { id, ...key, label, nextIndex: POOL_TARGET } });
    await insertFreeAddresses(tx, wallet, addresses);
    return wallet;
  });
}
