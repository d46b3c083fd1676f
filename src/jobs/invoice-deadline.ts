import { applyInvoiceLifecycle } from '../app/apply-invoice-lifecycle.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/**
 * The end of an expired invoice's monitoring window (sent by the lifecycle when the invoice
 * expires): applies the lifecycle, which hands the addresses back. Expiry itself is found by the
 * worker's deadline sweep; jobs queued per invoice by earlier versions land here too and do the
 * same. A job that runs before this process's clock reaches the deadline (the database clock is
 * ahead) changes nothing; the lifecycle then queues the monitoring end again.
 */
export function invoiceDeadlineHandler(services: Services): JobHandler<'invoice.deadline'> {
  return async ({ invoiceId }) => {
    const result = await services.db.prisma.$transaction((tx) =>
      applyInvoiceLifecycle(services, tx, invoiceId),
    );
    if (result?.changed) services.bus.notifyCommitted();
  };
}
