import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { countFreeAddresses, insertFreeAddresses, reserveIndexes } from '../db/address-pool.ts';
import type { Services } from './services.ts';

/**
 * Addresses derived per transaction. Derivation is synchronous (~0.23 ms per address here), so
 * a chunk blocks the event loop for ~12 ms at most; requests served by the same process wait
 * no longer than that.
 */
const CHUNK = 50;

/**
 * Derives addresses until the wallet has `services.config.addressPoolSize` free ones (or, with
 * `maxAddresses`, at most that many now). Runs in a worker; creates call it themselves only
 * when a burst emptied the pool. Deriving ahead does not touch a wallet's gap limit: only
 * addresses handed to invoices count, and unpaid ones come back (release-invoice-addresses).
 */
export async function refillAddressPool(
  services: Services,
  walletId: string,
  options: { maxAddresses?: number } = {},
): Promise<number> {
  const { prisma } = services.db;
  const wallet = await prisma.wallet.findUnique({ where: { id: walletId } });
  if (!wallet) return 0;
  const deriver = services.derivers.forWallet(wallet);
  // Counted once: counting a large pool costs more than deriving a chunk, and anything taken
  // while this runs is the next refill's to replace.
  const missing = services.config.addressPoolSize - (await countFreeAddresses(prisma, walletId));
  const budget = Math.min(missing, options.maxAddresses ?? missing);
  let derived = 0;
  while (derived < budget) {
    const added = await prisma.$transaction(async (tx) => {
      // Serialises refills of one wallet; the index reservation below locks the wallet row anyway.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${walletId}))`;
      const count = Math.min(CHUNK, budget - derived);
      const start = await reserveIndexes(tx, walletId, count);
      await insertFreeAddresses(tx, wallet, deriver.derive(start, count));
      return count;
    });
    if (services.jobs.stopping) break;
    derived += added;
    await yieldToEventLoop();
  }
  return derived;
}
