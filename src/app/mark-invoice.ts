import { lockInvoiceFacts } from '../db/invoice-facts.ts';
import { NotFoundError } from '../domain/errors.ts';
import { markInvoice as markTransition } from '../domain/invoice-state.ts';
import { postInvoiceChange } from '../ledger/post-invoice-change.ts';
import { publishInvoiceEvents } from './publish-invoice-events.ts';
import { releaseInvoiceAddresses } from './release-invoice-addresses.ts';
import type { Services } from './services.ts';

/** Sets an invoice SETTLED or INVALID by hand (exception MARKED); a marked invoice is terminal. */
export async function markInvoice(
  services: Services,
  storeId: string,
  invoiceId: string,
  target: 'SETTLED' | 'INVALID',
) {
  const { prisma } = services.db;
  await prisma.$transaction(async (tx) => {
    const loaded = await lockInvoiceFacts(tx, invoiceId);
    if (!loaded || loaded.invoice.storeId !== storeId) throw new NotFoundError('invoice', invoiceId);
    const next = markTransition(loaded.facts, target, services.now());
    if (!next.changed) return;
    await tx.invoice.update({
      where: { id: invoiceId },
      data: { status: next.status, exceptionStatus: next.exceptionStatus },
    });
    await publishInvoiceEvents(services, tx, loaded.invoice, ['invoice.marked', ...next.events]);
    await postInvoiceChange(services, tx, invoiceId);
    await releaseInvoiceAddresses(tx, services.chains, invoiceId, false);
  });
  services.bus.notifyCommitted();
  return { id: invoiceId };
}
