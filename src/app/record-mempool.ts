import type { ChainConfig } from '../chains/chains-config.ts';
import type { ObservedCredit } from '../chains/observations.ts';
import { upsertPayment } from '../db/upsert-payment.ts';
import { attributeCredits } from './attribute-credits.ts';
import { type ChangedPayment, refreshChainPayments } from './refresh-chain-payments.ts';
import type { Services } from './services.ts';

/**
 * Records what the mempool shows for watched addresses: new unconfirmed payments, a
 * replacement (RBF) that takes over from the payment whose inputs it spends, and payments whose
 * transaction is gone (neither mined nor in the mempool) — those turn REVERSED once the chain
 * has moved `reversalDepth` blocks past their disappearance without them coming back.
 */
export async function recordMempool(
  services: Services,
  chain: ChainConfig & { reversalDepth: number },
  credits: readonly ObservedCredit[],
  mempoolTxids: ReadonlySet<string>,
  tipHeight: number,
): Promise<void> {
  const rows = await attributeCredits(services, chain, credits, {
    at: services.now(),
    blockHash: null,
    blockHeight: null,
  });
  const changed = await services.db.prisma.$transaction(
    async (tx) => {
      const touched: ChangedPayment[] = [];
      for (const row of rows) {
        const saved = await upsertPayment(tx, row);
        if (!saved.inserted) continue;
        touched.push({ ...saved, previousStatus: null, confirmations: 0 });
        if (row.spends.length === 0) continue;
        // An unmined payment spending the same inputs was replaced by this one (RBF, or a
        // double-spend that happens to pay us too).
        const replaced = await tx.$queryRaw<ChangedPayment[]>`
          WITH old AS (
            SELECT id, status FROM "Payment"
            WHERE chain = ${chain.name} AND txid <> ${row.txid} AND "blockHash" IS NULL AND status <> 'REVERSED'
              AND spends && ${row.spends}::text[] FOR UPDATE)
          UPDATE "Payment" p SET status = 'REVERSED', "replacedByTxid" = ${row.txid}, "updatedAt" = now()
          FROM old WHERE p.id = old.id
          RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`;
        touched.push(...replaced);
      }
      const unmined = await tx.payment.findMany({
        where: { chain: chain.name, blockHash: null, status: { not: 'REVERSED' } },
        select: { id: true, txid: true, missingSinceHeight: true },
      });
      for (const p of unmined) {
        if (mempoolTxids.has(p.txid)) {
          if (p.missingSinceHeight !== null)
            await tx.payment.update({ where: { id: p.id }, data: { missingSinceHeight: null } });
        } else if (p.missingSinceHeight === null) {
          await tx.payment.update({ where: { id: p.id }, data: { missingSinceHeight: tipHeight } });
        } else if (tipHeight - p.missingSinceHeight >= chain.reversalDepth) {
          const [gone] = await tx.$queryRaw<ChangedPayment[]>`
            UPDATE "Payment" p SET status = 'REVERSED', "updatedAt" = now() FROM (SELECT id, status FROM "Payment" WHERE id = ${p.id}::uuid) old
            WHERE p.id = old.id
            RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`;
          touched.push(gone);
        }
      }
      await refreshChainPayments(services, tx, chain.name, tipHeight, touched);
      return touched.length > 0;
    },
    { timeout: 30_000 },
  );
  if (changed) services.bus.notifyCommitted();
}
