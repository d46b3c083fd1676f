import type { ChangedPayment } from './refresh-chain-payments.ts';
import { refreshChainPayments } from './refresh-chain-payments.ts';
import type { Services } from './services.ts';

/**
 * Undoes blocks above `forkHeight` after a reorg: their payments go back to unmined (PENDING,
 * or still REVERSED), the blocks are forgotten, and the cursor returns to the fork point, from
 * where the watcher rescans the new branch. A payment whose transaction the new branch mines
 * again comes back CONFIRMED; one that never returns is REVERSED by the mempool check.
 */
export async function rollbackChain(
  services: Services,
  chain: string,
  from: { height: number; hash: string },
  fork: { height: number; hash: string },
): Promise<boolean> {
  const done = await services.db.prisma.$transaction(
    async (tx) => {
      const moved = await tx.$executeRaw`
        UPDATE "ChainCursor" SET height = ${fork.height}, hash = ${fork.hash}, "updatedAt" = now()
        WHERE chain = ${chain} AND height = ${from.height} AND hash = ${from.hash}`;
      if (moved === 0) return false;
      await tx.$executeRaw`DELETE FROM "ChainBlock" WHERE chain = ${chain} AND height > ${fork.height}`;
      const unmined = await tx.$queryRaw<ChangedPayment[]>`
        WITH old AS (SELECT id, status FROM "Payment" WHERE chain = ${chain} AND "blockHeight" > ${fork.height} FOR UPDATE)
        UPDATE "Payment" p SET "blockHash" = NULL, "blockHeight" = NULL, confirmations = 0,
          status = CASE WHEN p.status = 'REVERSED' THEN p.status ELSE 'PENDING'::"PaymentStatus" END, "updatedAt" = now()
        FROM old WHERE p.id = old.id
        RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`;
      await refreshChainPayments(services, tx, chain, fork.height, unmined, { recount: false });
      return true;
    },
    { timeout: 30_000 },
  );
  if (done) services.bus.notifyCommitted();
  return done;
}
