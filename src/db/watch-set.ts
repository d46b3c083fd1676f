import type { PrismaClient } from './client.ts';

export interface WatchedAddress {
  address: string;
  script: Uint8Array | null;
  /** An invoice is waiting on it (worth a mempool look), as opposed to a closed one. */
  open: boolean;
}

/**
 * Every address a chain watcher must see payments to: held by an invoice, a user's permanent
 * deposit address, one that received a payment before (late payments), and any address with a
 * payment not final yet — after a reorg its transaction must be found again when re-mined, even
 * if the address has since gone back to the pool (EVM). Never-used pool addresses are not
 * watched: nothing can knowingly be paid to them.
 */
export async function loadWatchedAddresses(prisma: PrismaClient, chain: string): Promise<WatchedAddress[]> {
  const rows = await prisma.$queryRaw<Array<{ address: string; script: Uint8Array | null; state: string }>>`
    SELECT a.address, a.script, a.state FROM "Address" a
    WHERE a.chain = ${chain}
      AND (a.state IN ('INVOICE', 'DEPOSIT', 'USED')
           OR EXISTS (SELECT 1 FROM "Payment" p WHERE p.chain = a.chain AND p.address = a.address AND p.status = 'PENDING'))`;
  return rows.map((r) => ({
    address: r.address,
    script: r.script,
    open: r.state === 'INVOICE' || r.state === 'DEPOSIT',
  }));
}

/**
 * Outpoints spent by payments a block could still double-spend: every unmined payment, also one
 * CONFIRMED at zero confirmations (a small non-RBF payment), with the payment's txid.
 */
export async function loadPendingSpends(prisma: PrismaClient, chain: string): Promise<Map<string, string>> {
  const rows = await prisma.payment.findMany({
    where: { chain, blockHash: null, status: { not: 'REVERSED' } },
    select: { txid: true, spends: true },
  });
  const spends = new Map<string, string>();
  for (const row of rows) for (const outpoint of row.spends) spends.set(outpoint, row.txid);
  return spends;
}
