import { toInvoiceFacts } from '../../db/invoice-facts.ts';
import { nextInvoiceState } from '../../domain/invoice-state.ts';
import type { Context } from '../context.ts';

type Amounts = ReturnType<typeof nextInvoiceState>;
const perRequest = new WeakMap<Context, Map<string, Promise<Amounts>>>();

/**
 * Paid and remaining amounts of an invoice, from the same pure function that moves its status,
 * so what a checkout shows and what the lifecycle decides can never disagree. Computed once per
 * invoice per request, whichever fields ask.
 */
export function invoiceAmounts(ctx: Context, invoiceId: string): Promise<Amounts> {
  let cache = perRequest.get(ctx);
  if (!cache) {
    cache = new Map();
    perRequest.set(ctx, cache);
  }
  let amounts = cache.get(invoiceId);
  if (!amounts) {
    amounts = ctx.prisma.invoice
      .findUniqueOrThrow({ where: { id: invoiceId }, include: { paymentMethods: true, payments: true } })
      .then((invoice) => {
        const { facts, payments } = toInvoiceFacts(invoice);
        return nextInvoiceState(facts, payments, ctx.services.now());
      });
    cache.set(invoiceId, amounts);
  }
  return amounts;
}

/**
 * A subscription keeps one context for its whole life, so what was computed for one event
 * would be served for every later one: each event's resolver forgets it first.
 */
export function forgetInvoiceAmounts(ctx: Context): void {
  perRequest.delete(ctx);
}
