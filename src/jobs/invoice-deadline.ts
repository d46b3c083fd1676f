import { applyInvoiceLifecycle } from '../app/apply-invoice-lifecycle.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/** Expiry and end of monitoring act without any request: pg-boss runs this at the deadline. */
export function invoiceDeadlineHandler(services: Services): JobHandler<'invoice.deadline'> {
  return async ({ invoiceId }) => {
    const changed = await services.db.prisma.$transaction((tx) =>
      applyInvoiceLifecycle(services, tx, invoiceId),
    );
    if (changed) services.bus.notifyCommitted();
  };
}
