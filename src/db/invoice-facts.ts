import type { InvoiceFacts, PaymentFact } from '../domain/invoice-state.ts';
import type { Tx } from './client.ts';
import type { Invoice, Payment, PaymentMethod } from './generated/prisma/client.ts';

/** Maps stored rows to the facts the pure lifecycle function takes. */
export function toInvoiceFacts(invoice: Invoice & { paymentMethods: PaymentMethod[]; payments: Payment[] }): {
  facts: InvoiceFacts;
  payments: PaymentFact[];
} {
  return {
    facts: {
      status: invoice.status,
      exceptionStatus: invoice.exceptionStatus,
      createdAt: invoice.createdAt,
      expiresAt: invoice.expiresAt,
      monitoringEndsAt: invoice.monitoringEndsAt,
      paymentTolerancePercent: invoice.paymentTolerancePercent.toFixed(),
      methods: invoice.paymentMethods.map((m) => ({
        asset: m.asset,
        amountDue: BigInt(m.amountDue.toFixed()),
      })),
    },
    payments: invoice.payments.map((p) => ({
      id: p.id,
      asset: p.asset,
      amount: BigInt(p.amount.toFixed()),
      status: p.status,
      seenAt: p.seenAt,
    })),
  };
}

/**
 * Locks an invoice row and reads what the lifecycle function needs. The row lock serialises
 * every writer of one invoice (deadline sweep and jobs, watchers, markInvoice), so each transition and its
 * events happen exactly once.
 */
export async function lockInvoiceFacts(tx: Tx, invoiceId: string) {
  const locked = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT id FROM "Invoice" WHERE id = ${invoiceId} FOR UPDATE`;
  if (locked.length === 0) return undefined;
  const invoice = await tx.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    include: { paymentMethods: true, payments: true },
  });
  return { invoice, ...toInvoiceFacts(invoice) };
}
