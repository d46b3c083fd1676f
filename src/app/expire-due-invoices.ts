import { applyInvoiceLifecycle } from './apply-invoice-lifecycle.ts';
import type { Services } from './services.ts';

/**
 * Expires every NEW invoice whose deadline has come by this process's clock: one transaction per
 * invoice (the lifecycle, its events, ledger postings and the monitoring-end job together), so
 * one failing invoice does not hold back the others.
 *
 * Workers in several processes may run this at once: each takes the next due invoice that no one
 * else holds (FOR UPDATE SKIP LOCKED), and the lifecycle, run under that lock, changes an invoice
 * once and then finds nothing left to do. An invoice the lifecycle leaves NEW (marked by hand
 * meanwhile, or anything unforeseen) is not taken twice in one run.
 *
 * @returns how many invoices changed.
 * @example
 * await expireDueInvoices(services); // 0 when nothing was due
 */
export async function expireDueInvoices(
  services: Services,
  options: { max?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const { max = 1000, signal } = options;
  const taken: string[] = [];
  let changed = 0;
  // A stop ends the run between invoices; what is left is due at the next start.
  while (taken.length < max && !signal?.aborted) {
    const result = await services.db.prisma.$transaction(async (tx) => {
      const [due] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Invoice"
        WHERE status = 'NEW' AND "expiresAt" <= ${services.now()} AND id <> ALL(${taken}::text[])
        ORDER BY "expiresAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!due) return undefined;
      const applied = await applyInvoiceLifecycle(services, tx, due.id);
      return { id: due.id, changed: applied?.changed === true };
    });
    if (!result) break;
    taken.push(result.id);
    if (result.changed) {
      changed++;
      services.bus.notifyCommitted();
    }
  }
  return changed;
}
