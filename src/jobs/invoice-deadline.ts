import { applyInvoiceLifecycle } from '../app/apply-invoice-lifecycle.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/** Expiry and end of monitoring act without any request: pg-boss runs this at the deadline. */
export function invoiceDeadlineHandler(services: Services): JobHandler<'invoice.deadline'> {
  return async ({ invoiceId }) => {
    const result = await services.db.prisma.$transaction(async (tx) => {
      const applied = await applyInvoiceLifecycle(services, tx, invoiceId);
      // pg-boss starts jobs by the database clock; if ours is behind, the job came too early:
      // run it again at the deadline rather than leave the invoice NEW forever.
      if (applied?.status === 'NEW' && services.now() < applied.expiresAt)
        await services.jobs.send(
          'invoice.deadline',
          { invoiceId },
          { tx, startAfter: applied.expiresAt, singletonKey: invoiceId },
        );
      return applied;
    });
    if (result?.changed) services.bus.notifyCommitted();
  };
}
