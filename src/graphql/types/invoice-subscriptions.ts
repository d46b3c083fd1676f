import { NotFoundError } from '../../domain/errors.ts';
import type { BusEvent } from '../../events/event-bus.ts';
import { startingWith } from '../../events/starting-with.ts';
import { topics } from '../../events/topics.ts';
import { keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';
import { forgetInvoiceAmounts } from './invoice-amounts.ts';

interface InvoiceEventShape {
  type: string;
  invoiceId: string;
  paymentId: string | null;
  createdAt: Date;
}

const InvoiceEventRef = builder.objectRef<InvoiceEventShape>('InvoiceEvent').implement({
  description: 'Something that happened to an invoice of the store; `invoice` is its state now.',
  fields: (t) => ({
    type: t.exposeString('type', {
      description:
        'invoice.created, invoice.payment_detected, invoice.payment_confirmed, invoice.payment_updated, invoice.processing, invoice.settled, invoice.expired, invoice.invalid, invoice.paid_late, invoice.paid_partial, invoice.paid_over, invoice.marked',
    }),
    invoiceId: t.exposeID('invoiceId'),
    paymentId: t.exposeID('paymentId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    invoice: t.prismaField({
      type: 'Invoice',
      resolve: (query, event, _args, ctx) => {
        forgetInvoiceAmounts(ctx);
        return ctx.prisma.invoice.findUniqueOrThrow({ ...query, where: { id: event.invoiceId } });
      },
    }),
  }),
});

builder.subscriptionFields((t) => ({
  invoiceUpdated: t.prismaField({
    type: 'Invoice',
    description:
      'The invoice now, then after every change of its status, payments or confirmations. Anyone holding the id receives the public checkout fields; private fields need a key of the store or the owning user’s token.',
    authScopes: { public: true },
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, { id }, ctx) => {
      // Registered before the existence check: a change right after it is not lost.
      const events = ctx.services.bus.subscribe(topics.invoice(String(id)));
      const exists = await ctx.prisma.invoice.findUnique({ where: { id: String(id) }, select: { id: true } });
      if (!exists) {
        await events.return?.();
        throw new NotFoundError('invoice', String(id));
      }
      return startingWith(null, events);
    },
    resolve: (query, _event, { id }, ctx) => {
      forgetInvoiceAmounts(ctx);
      return ctx.prisma.invoice.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  invoiceEvents: t.field({
    type: InvoiceEventRef,
    description: "Every invoice event of the caller's store, as it happens.",
    authScopes: { scope: 'invoices:read' },
    subscribe: (_root, _args, ctx) => ctx.services.bus.subscribe(topics.storeInvoices(keyStoreId(ctx))),
    resolve: (event: BusEvent) => {
      const payload = event.payload as { type: string; invoiceId: string; paymentId?: string };
      return {
        type: payload.type,
        invoiceId: payload.invoiceId,
        paymentId: payload.paymentId ?? null,
        createdAt: event.createdAt,
      };
    },
  }),
}));
