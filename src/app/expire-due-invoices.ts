import { applyInvoiceLifecycle } from './apply-invoice-lifecycle.ts';
import type { Services } from './services.ts';

export interface ExpireDueResult {
  /** Invoices whose state changed. */
  changed: number;
  /** Invoices whose transaction failed (rolled back; due again at a later run). */
  failed: Array<{ invoiceId: string; error: unknown }>;
}

/**
 * Expires every NEW invoice whose deadline has come by this process's clock: one transaction per
 * invoice (the lifecycle, its events, ledger postings and the monitoring-end job together). An
 * invoice whose transaction fails is reported and passed over, so it does not hold back the
 * others.
 *
 * Workers in several processes may run this at once: each takes the next due invoice that no one
 * else holds (FOR UPDATE SKIP LOCKED), and the lifecycle, run under that lock, changes an invoice
 * once and then finds nothing left to do. An invoice is taken at most once per run, also one the
 * lifecycle leaves NEW (marked by hand meanwhile, or anything unforeseen); `exclude` passes over
 * invoices the caller is backing off from.
 *
 * @example
 * await expireDueInvoices(services); // { changed: 0, failed: [] } when nothing was due
 */
export async function expireDueInvoices(
  services: Services,
  options: { max?: number; signal?: AbortSignal; exclude?: readonly string[] } = {},
): Promise<ExpireDueResult> {
  const { max = 1000, signal } = options;
  const taken: string[] = [...(options.exclude ?? [])];
  const result: ExpireDueResult = { changed: 0, failed: [] };
  // A stop ends the run between invoices; what is left is due at the next start.
  for (let n = 0; n < max && !signal?.aborted; n++) {
    let picked: string | undefined;
    try {
      const changed = await services.db.prisma.$transaction(async (tx) => {
        const [due] = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM "Invoice"
          WHERE status = 'NEW' AND "expiresAt" <= ${services.now()}::timestamptz AND id <> ALL(${taken}::text[])
          ORDER BY "expiresAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
        if (!due) return undefined;
        picked = due.id;
        return (await applyInvoiceLifecycle(services, tx, due.id))?.changed === true;
      });
      if (changed === undefined) break;
      if (changed) {
        result.changed++;
        services.bus.notifyCommitted();
      }
    } catch (error) {
      // Nothing picked: the query itself failed (the database is away); the next run retries.
      if (!picked) throw error;
      result.failed.push({ invoiceId: picked, error });
    }
    if (picked) taken.push(picked);
  }
  return result;
}
