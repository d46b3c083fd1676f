import type { ChainConfig } from '../chains/chains-config.ts';
import type { ObservedBlock } from '../chains/observations.ts';
import { relinkReminedTransfer, upsertPayment } from '../db/upsert-payment.ts';
import { attributeCredits } from './attribute-credits.ts';
import { type ChangedPayment, refreshChainPayments } from './refresh-chain-payments.ts';
import type { Services } from './services.ts';

export type RecordBlockResult = 'recorded' | 'cursor-moved';

/**
 * Records one block as one business event: its credits (each exactly once), the pending
 * payments it double-spends (REVERSED), the recount of confirmations, the invoices and deposits
 * that changes, and the move of the chain cursor — all or nothing. The cursor moves only from
 * this block's parent (compare-and-set): if another worker got there first, nothing is written
 * and the caller re-reads where the chain stands.
 */
export async function recordBlock(
  services: Services,
  chain: ChainConfig,
  block: ObservedBlock,
): Promise<RecordBlockResult> {
  const rows = await attributeCredits(services, chain, block.credits, {
    at: services.now(),
    blockHash: block.hash,
    blockHeight: block.height,
    blockTime: block.time,
  });
  const result = await services.db.prisma.$transaction(
    async (tx): Promise<RecordBlockResult> => {
      const moved = await tx.$executeRaw`
        UPDATE "ChainCursor" SET height = ${block.height}, hash = ${block.hash}, "updatedAt" = now()
        WHERE chain = ${chain.name} AND height = ${block.height - 1} AND hash = ${block.prevHash}`;
      if (moved === 0) return 'cursor-moved';
      await tx.$executeRaw`
        INSERT INTO "ChainBlock" (chain, height, hash, "prevHash") VALUES (${chain.name}, ${block.height}, ${block.hash}, ${block.prevHash})
        ON CONFLICT (chain, height) DO UPDATE SET hash = EXCLUDED.hash, "prevHash" = EXCLUDED."prevHash", "processedAt" = now()`;

      const touched: ChangedPayment[] = [];
      for (const row of rows) {
        if (chain.family === 'evm' && row.outputIndex >= 0) await relinkReminedTransfer(tx, row);
        const saved = await upsertPayment(tx, row);
        if (saved.inserted) touched.push({ ...saved, previousStatus: null, confirmations: 0 });
        // Mined after all (it had been given up as replaced): the ledger and the invoice must hear.
        else if (saved.previousStatus !== saved.status) touched.push({ ...saved, confirmations: 0 });
      }
      for (const conflict of block.conflicts) {
        const reversed = await tx.$queryRaw<ChangedPayment[]>`
          WITH old AS (
            SELECT id, status FROM "Payment"
            WHERE chain = ${chain.name} AND ${conflict.outpoint} = ANY(spends) AND txid <> ${conflict.txid}
              AND status <> 'REVERSED' FOR UPDATE)
          UPDATE "Payment" p SET status = 'REVERSED', "replacedByTxid" = ${conflict.txid}, "updatedAt" = now()
          FROM old WHERE p.id = old.id
          RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`;
        touched.push(...reversed);
      }
      await refreshChainPayments(services, tx, chain.name, block.height, touched);
      return 'recorded';
    },
    { timeout: 30_000 },
  );
  if (result === 'recorded') services.bus.notifyCommitted();
  return result;
}
