import type { Services } from '../app/services.ts';
import type { Tx } from '../db/client.ts';
import { postLedger } from './post-ledger.ts';

/**
 * Journals an invoice's change of status in the caller's transaction, which holds the
 * invoice's row lock: settling moves its confirmed receipts to SALES (and OVERPAYMENTS for
 * what exceeds the price); leaving SETTLED (INVALID after a reversal) moves them back.
 */
export async function postInvoiceChange(services: Services, tx: Tx, invoiceId: string): Promise<void> {
  await postLedger(services, tx, { invoiceIds: [invoiceId] });
}
