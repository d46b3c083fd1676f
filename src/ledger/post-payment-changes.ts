import type { Services } from '../app/services.ts';
import type { Tx } from '../db/client.ts';
import { postLedger } from './post-ledger.ts';

/** A payment whose status or existence changed in the caller's transaction. */
export interface PaymentChange {
  id: string;
  invoiceId: string | null;
  userId: string | null;
  storeId: string;
  status: 'PENDING' | 'CONFIRMED' | 'REVERSED';
  /** null: the payment is new. */
  previousStatus: 'PENDING' | 'CONFIRMED' | 'REVERSED' | null;
}

/**
 * Journals payment changes in the caller's transaction (docs/ledger.md): detected payments as
 * pending, confirmations as a move from pending to confirmed, reorgs and reversals as reversing
 * entries. `previousStatus` is not trusted: what the journal already holds for each payment is
 * the starting point, so a change reported twice, late, or not at all (a payment revived by a
 * block) is still posted exactly once.
 */
export async function postPaymentChanges(
  services: Services,
  tx: Tx,
  changes: readonly PaymentChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await postLedger(services, tx, { paymentIds: changes.map((c) => c.id) });
}
