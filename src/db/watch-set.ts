import type { PrismaClient } from './client.ts';

export interface WatchedAddress {
  address: string;
  script: Uint8Array | null;
  /** An invoice is waiting on it (worth a mempool look), as opposed to a closed one. */
  open: boolean;
}

/**
 * Every address a chain watcher must see payments to: held by an invoice, a user's permanent
 * deposit address, or one that received a payment before (still watched: late payments and
 * reorgs). Free pool addresses were never handed out, so nothing can be paid to them knowingly.
 */
export async function loadWatchedAddresses(prisma: PrismaClient, chain: string): Promise<WatchedAddress[]> {
  const rows = await prisma.address.findMany({
    where: { chain, state: { in: ['INVOICE', 'DEPOSIT', 'USED'] } },
    select: { address: true, script: true, state: true },
  });
  return rows.map((r) => ({ address: r.address, script: r.script, open: r.state !== 'USED' }));
}

/** Outpoints spent by payments that are not final yet, with the payment's txid. */
export async function loadPendingSpends(prisma: PrismaClient, chain: string): Promise<Map<string, string>> {
  const rows = await prisma.payment.findMany({
    where: { chain, status: 'PENDING' },
    select: { txid: true, spends: true },
  });
  const spends = new Map<string, string>();
  for (const row of rows) for (const outpoint of row.spends) spends.set(outpoint, row.txid);
  return spends;
}
