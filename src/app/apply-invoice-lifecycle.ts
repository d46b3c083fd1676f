import type { Tx } from '../db/client.ts';
import { lockInvoiceFacts } from '../db/invoice-facts.ts';
import { nextInvoiceState } from '../domain/invoice-state.ts';
import { postInvoiceChange } from '../ledger/post-invoice-change.ts';
import { publishInvoiceEvents } from './publish-invoice-events.ts';
import { releaseInvoiceAddresses } from './release-invoice-addresses.ts';
import type { Services } from './services.ts';

/**
 * Brings one invoice up to date with its payments and the clock, inside the caller's
 * transaction (the deadline sweep, a monitoring-end job, or a watcher that recorded a payment):
 * runs the pure lifecycle function, stores the new state with its events, hands back addresses
 * of a closed invoice and schedules the end of monitoring. Safe to call any number of times.
 */
export async function applyInvoiceLifecycle(
  services: Services,
  tx: Tx,
  invoiceId: string,
): Promise<{ changed: boolean; status: string; expiresAt: Date } | undefined> {
  const now = services.now();
  const loaded = await lockInvoiceFacts(tx, invoiceId);
  if (!loaded) return undefined;
  const { invoice, facts, payments } = loaded;
  const next = nextInvoiceState(facts, payments, now);
  if (next.changed) {
    await tx.invoice.update({
      where: { id: invoiceId },
      data: { status: next.status, exceptionStatus: next.exceptionStatus },
    });
    await publishInvoiceEvents(services, tx, invoice, next.events);
    await postInvoiceChange(services, tx, invoiceId);
  }
  const monitoringOver = now >= invoice.monitoringEndsAt;
  const closed =
    next.status === 'SETTLED' || next.status === 'INVALID' || (next.status === 'EXPIRED' && monitoringOver);
  if (closed) {
    const expiredUnpaid = next.status === 'EXPIRED' && payments.every((p) => p.status === 'REVERSED');
    await releaseInvoiceAddresses(tx, services.chains, invoiceId, expiredUnpaid);
  }
  // Expired invoices still wait for late payments until the monitoring window ends.
  if (!closed && !monitoringOver && now >= invoice.expiresAt) {
    await services.jobs.send(
      'invoice.deadline',
      { invoiceId },
      { tx, startAfter: invoice.monitoringEndsAt, singletonKey: `${invoiceId}:monitoring` },
    );
  }
  return { changed: next.changed, status: next.status, expiresAt: invoice.expiresAt };
}
