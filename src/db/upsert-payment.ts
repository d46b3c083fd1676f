import type { Tx } from './client.ts';

export interface PaymentRow {
  id: string;
  storeId: string;
  chain: string;
  txid: string;
  outputIndex: number;
  asset: string;
  address: string;
  amount: bigint;
  invoiceId: string | null;
  userId: string | null;
  requiredConfirmations: number;
  signalsRbf: boolean;
  spends: string[];
  seenAt: Date;
  blockHash: string | null;
  blockHeight: number | null;
}

export interface UpsertedPayment {
  id: string;
  /** True when this call created the row: the payment is new to Kassa. */
  inserted: boolean;
  /** The status before this call (null when inserted): a block can revive a REVERSED payment. */
  previousStatus: 'PENDING' | 'CONFIRMED' | 'REVERSED' | null;
  invoiceId: string | null;
  userId: string | null;
  storeId: string;
  status: 'PENDING' | 'CONFIRMED' | 'REVERSED';
}

/**
 * Records a credit exactly once, keyed by its chain facts (chain, txid, output/log index): a
 * second sighting (the mempool transaction now mined, a rescan after restart, another worker)
 * only updates where it is. Inclusion in a block revives a payment that had been given up as
 * replaced: the chain, not the mempool, has the last word.
 */
export async function upsertPayment(tx: Tx, p: PaymentRow): Promise<UpsertedPayment> {
  const rows = await tx.$queryRaw<UpsertedPayment[]>`
    WITH prev AS (
      SELECT status FROM "Payment" WHERE chain = ${p.chain} AND txid = ${p.txid} AND "outputIndex" = ${p.outputIndex})
    INSERT INTO "Payment" (id, "storeId", chain, txid, "outputIndex", asset, address, amount, "invoiceId", "userId",
      status, confirmations, "requiredConfirmations", "blockHash", "blockHeight", "signalsRbf", spends, "seenAt", "updatedAt")
    VALUES (${p.id}::uuid, ${p.storeId}::uuid, ${p.chain}, ${p.txid}, ${p.outputIndex}, ${p.asset}, ${p.address},
      ${p.amount.toString()}::numeric, ${p.invoiceId}, ${p.userId}::uuid, 'PENDING', 0, ${p.requiredConfirmations},
      ${p.blockHash}, ${p.blockHeight}, ${p.signalsRbf}, ${p.spends}::text[], ${p.seenAt}, now())
    ON CONFLICT (chain, txid, "outputIndex") DO UPDATE SET
      "blockHash" = COALESCE(EXCLUDED."blockHash", "Payment"."blockHash"),
      "blockHeight" = COALESCE(EXCLUDED."blockHeight", "Payment"."blockHeight"),
      "missingSinceHeight" = NULL,
      status = CASE WHEN EXCLUDED."blockHash" IS NOT NULL AND "Payment".status = 'REVERSED'
                    THEN 'PENDING'::"PaymentStatus" ELSE "Payment".status END,
      "replacedByTxid" = CASE WHEN EXCLUDED."blockHash" IS NOT NULL THEN NULL ELSE "Payment"."replacedByTxid" END,
      "updatedAt" = now()
    RETURNING id, (xmax = 0) AS inserted, "invoiceId", "userId", "storeId", status,
      (SELECT status FROM prev) AS "previousStatus"`;
  return rows[0];
}

/**
 * An ERC-20 transfer that a reorg dropped and the new branch mined again keeps its txid but may
 * get another log index (its position in the new block). Before recording it, the orphaned row
 * of the same transfer (same txid, asset, address and amount, no block) takes the new index, so
 * the upsert finds it: one payment, not two.
 */
export async function relinkReminedTransfer(tx: Tx, p: PaymentRow): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Payment" SET "outputIndex" = ${p.outputIndex}, "updatedAt" = now()
    WHERE id = (
      SELECT id FROM "Payment"
      WHERE chain = ${p.chain} AND txid = ${p.txid} AND asset = ${p.asset} AND address = ${p.address}
        AND amount = ${p.amount.toString()}::numeric AND "blockHash" IS NULL AND "outputIndex" <> ${p.outputIndex}
      ORDER BY "seenAt" LIMIT 1)
    AND NOT EXISTS (
      SELECT 1 FROM "Payment" WHERE chain = ${p.chain} AND txid = ${p.txid} AND "outputIndex" = ${p.outputIndex})`;
}
