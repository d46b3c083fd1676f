import type { Tx } from '../db/client.ts';
import { publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import { type PaymentChange, postPaymentChanges } from '../ledger/post-payment-changes.ts';
import { enqueueWebhookEvents } from '../webhooks/enqueue-webhook-events.ts';
import { applyInvoiceLifecycle } from './apply-invoice-lifecycle.ts';
import { publishInvoiceEvents } from './publish-invoice-events.ts';
import type { Services } from './services.ts';

/** A payment change as the ledger sees it, with the depth the recount found. */
type ChangedPayment = PaymentChange & { confirmations: number };

/**
 * How far below the tip stored confirmations are kept current (deeper ones are computed from the
 * chain cursor when read). One UPDATE covers them; events and lifecycle runs follow only for
 * payments whose status changed or that are still confirming.
 */
const COUNT_DEPTH = 100;

/**
 * After the chain moved (a block, a reorg, a mempool change): recounts confirmations against
 * the tip, moves payments between PENDING and CONFIRMED, and brings every affected invoice up to
 * date, with events for each change, all in the caller's transaction. `touched` are payments the
 * caller itself inserted or changed (new, replaced, reverted).
 */
export async function refreshChainPayments(
  services: Services,
  tx: Tx,
  chain: string,
  tipHeight: number,
  touched: ChangedPayment[] = [],
  options: { recount: boolean } = { recount: true },
): Promise<void> {
  // After a rollback the cursor sits at the fork point, below the node's tip: counting against it
  // would make payments deeper than the reorg dip below their requirement and flap back to
  // PENDING. They are recounted as the new branch is recorded.
  const counted = !options.recount
    ? []
    : await tx.$queryRaw<ChangedPayment[]>`
    WITH old AS (
      SELECT id, status, confirmations FROM "Payment"
      WHERE chain = ${chain} AND status <> 'REVERSED'
        AND ("blockHeight" >= ${tipHeight - COUNT_DEPTH} OR ("blockHeight" IS NULL AND status = 'PENDING'))
      FOR UPDATE)
    UPDATE "Payment" p SET
      confirmations = CASE WHEN p."blockHeight" IS NULL THEN 0 ELSE GREATEST(0, ${tipHeight} - p."blockHeight" + 1) END,
      status = CASE WHEN (CASE WHEN p."blockHeight" IS NULL THEN 0 ELSE ${tipHeight} - p."blockHeight" + 1 END)
                         >= p."requiredConfirmations" THEN 'CONFIRMED'::"PaymentStatus" ELSE 'PENDING'::"PaymentStatus" END,
      "confirmedAt" = CASE WHEN p."confirmedAt" IS NULL
                           AND (CASE WHEN p."blockHeight" IS NULL THEN 0 ELSE ${tipHeight} - p."blockHeight" + 1 END)
                               >= p."requiredConfirmations" THEN now() ELSE p."confirmedAt" END,
      "updatedAt" = now()
    FROM old
    WHERE p.id = old.id
      AND (old.confirmations IS DISTINCT FROM (CASE WHEN p."blockHeight" IS NULL THEN 0 ELSE GREATEST(0, ${tipHeight} - p."blockHeight" + 1) END)
           OR old.status <> (CASE WHEN (CASE WHEN p."blockHeight" IS NULL THEN 0 ELSE ${tipHeight} - p."blockHeight" + 1 END)
                         >= p."requiredConfirmations" THEN 'CONFIRMED'::"PaymentStatus" ELSE 'PENDING'::"PaymentStatus" END))
    RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`;

  const all = new Map<string, ChangedPayment>();
  for (const p of touched) all.set(p.id, p);
  for (const p of counted) {
    const earlier = all.get(p.id);
    all.set(p.id, earlier ? { ...p, previousStatus: earlier.previousStatus } : p);
  }

  // A confirmed payment that only got deeper changes nothing anyone acts on: no events, no
  // postings, no lifecycle run (those cost round trips per payment on every block).
  const changes = [...all.values()].filter((p) => p.previousStatus !== p.status || p.status === 'PENDING');
  await postPaymentChanges(services, tx, changes);
  const invoices = new Map<string, string>();
  for (const p of changes) {
    if (p.invoiceId) {
      // The lifecycle only depends on which payments exist and their status, not on their depth.
      if (p.previousStatus !== p.status) invoices.set(p.invoiceId, p.storeId);
      const types: Array<'invoice.payment_detected' | 'invoice.payment_confirmed'> = [];
      if (p.previousStatus === null) types.push('invoice.payment_detected');
      if (p.status === 'CONFIRMED' && p.previousStatus !== 'CONFIRMED')
        types.push('invoice.payment_confirmed');
      await publishInvoiceEvents(services, tx, { id: p.invoiceId, storeId: p.storeId }, types, {
        paymentId: p.id,
      });
      if (types.length === 0)
        await publishEvents(tx, [
          {
            topic: topics.invoice(p.invoiceId),
            storeId: p.storeId,
            payload: { type: 'invoice.payment_updated', invoiceId: p.invoiceId, paymentId: p.id },
          },
        ]);
    } else if (p.userId) {
      const types: string[] = [];
      if (p.previousStatus === null) types.push('deposit.detected');
      if (p.status === 'CONFIRMED' && p.previousStatus !== 'CONFIRMED') types.push('deposit.confirmed');
      if (p.status === 'REVERSED' && p.previousStatus !== 'REVERSED') types.push('deposit.reversed');
      if (types.length === 0) types.push('deposit.updated');
      await enqueueWebhookEvents(
        services,
        tx,
        types
          .filter((type) => type !== 'deposit.updated')
          .map((type) => ({
            storeId: p.storeId,
            type,
            data: { paymentId: p.id, userId: p.userId, status: p.status },
          })),
      );
      await publishEvents(
        tx,
        types.flatMap((type) => {
          const payload = { type, paymentId: p.id, userId: p.userId };
          return [
            { topic: topics.userDeposits(p.userId as string), storeId: p.storeId, payload },
            { topic: topics.storeDeposits(p.storeId), storeId: p.storeId, payload },
          ];
        }),
      );
    }
  }
  for (const invoiceId of invoices.keys()) await applyInvoiceLifecycle(services, tx, invoiceId);
}

export type { ChangedPayment };
