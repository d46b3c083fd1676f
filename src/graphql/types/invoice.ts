import { createInvoice } from '../../app/create-invoice.ts';
import { markInvoice } from '../../app/mark-invoice.ts';
import { InvoiceExceptionStatus, InvoiceStatus } from '../../db/generated/prisma/enums.ts';
import { formatUnits } from '../../domain/decimal-units.ts';
import { ValidationError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { callerStoreId, keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { invoiceAmounts } from './invoice-amounts.ts';

export const InvoiceStatusEnum = builder.enumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description: 'NEW → PROCESSING (paid, confirming) → SETTLED; NEW → EXPIRED; any → INVALID.',
});
export const InvoiceExceptionStatusEnum = builder.enumType(InvoiceExceptionStatus, {
  name: 'InvoiceExceptionStatus',
});
const MarkStatus = builder.enumType('InvoiceMarkStatus', { values: ['SETTLED', 'INVALID'] as const });

builder.prismaObject('PaymentMethod', {
  description: 'One way to pay an invoice: an asset, its deposit address, and the amount due.',
  fields: (t) => ({
    asset: t.exposeString('asset'),
    chain: t.exposeString('chain'),
    address: t.exposeString('address'),
    decimals: t.int({ resolve: (m, _a, ctx) => ctx.services.chains.assets[m.asset]?.decimals ?? 0 }),
    amountDue: t.field({
      type: 'BigInt',
      description: 'Smallest units due for the whole price at the locked rate (rounded up).',
      resolve: (m) => BigInt(m.amountDue.toFixed()),
    }),
    amountPaid: t.field({
      type: 'BigInt',
      description: 'Smallest units received in this asset and counted (pending or confirmed).',
      resolve: async (m, _a, ctx) =>
        (await invoiceAmounts(ctx, m.invoiceId)).amountPaidByAsset[m.asset] ?? 0n,
    }),
    amountRemaining: t.field({
      type: 'BigInt',
      description: 'What is still due if the rest is paid in this asset.',
      resolve: async (m, _a, ctx) => (await invoiceAmounts(ctx, m.invoiceId)).remainingByAsset[m.asset] ?? 0n,
    }),
    rate: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'Invoice currency per whole asset, locked at creation; null when priced in this asset.',
      resolve: (m) => m.rate?.toFixed() ?? null,
    }),
    paymentUri: t.exposeString('paymentUri', {
      description: 'BIP21 or EIP-681 URI for wallets and QR codes.',
    }),
  }),
});

builder.prismaObject('Payment', {
  description: 'An on-chain credit seen for one of the invoice addresses.',
  fields: (t) => ({
    id: t.exposeID('id'),
    chain: t.exposeString('chain'),
    txid: t.exposeString('txid'),
    outputIndex: t.exposeInt('outputIndex'),
    asset: t.exposeString('asset'),
    address: t.exposeString('address'),
    amount: t.field({ type: 'BigInt', resolve: (p) => BigInt(p.amount.toFixed()) }),
    status: t.exposeString('status', { description: 'PENDING, CONFIRMED or REVERSED.' }),
    confirmations: t.int({
      description:
        'Blocks on top of (and including) the one that mined it, as far as Kassa has followed the chain.',
      resolve: async (p, _args, ctx) => {
        // Stored counts stop once a payment is CONFIRMED (they are recounted only while
        // pending); its depth now comes from the chain cursor.
        if (p.status !== 'CONFIRMED' || p.blockHeight === null) return p.confirmations;
        const tip = await chainTip(ctx, p.chain);
        return tip === undefined ? p.confirmations : Math.max(p.confirmations, tip - p.blockHeight + 1);
      },
    }),
    requiredConfirmations: t.exposeInt('requiredConfirmations'),
    seenAt: t.expose('seenAt', { type: 'DateTime' }),
    confirmedAt: t.expose('confirmedAt', { type: 'DateTime', nullable: true }),
  }),
});

const tips = new WeakMap<Context, Map<string, Promise<number | undefined>>>();

/** The chain cursor's height, read once per request and chain. */
function chainTip(ctx: Context, chain: string): Promise<number | undefined> {
  let perChain = tips.get(ctx);
  if (!perChain) {
    perChain = new Map();
    tips.set(ctx, perChain);
  }
  let tip = perChain.get(chain);
  if (!tip) {
    tip = ctx.prisma.chainCursor.findUnique({ where: { chain } }).then((c) => c?.height);
    perChain.set(chain, tip);
  }
  return tip;
}

const owner = (invoice: { storeId: string; userId: string | null }) => ({
  storeData: { storeId: invoice.storeId, userId: invoice.userId, scope: 'invoices:read' as const },
});

builder.prismaObject('Invoice', {
  description:
    'A request to pay a price before a deadline. Anyone holding the id reads the public checkout fields; the rest needs a key of the store or the owning user’s token.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: InvoiceStatusEnum }),
    exceptionStatus: t.expose('exceptionStatus', { type: InvoiceExceptionStatusEnum }),
    price: t.field({ type: 'Decimal', resolve: (i) => i.price.toFixed() }),
    currency: t.exposeString('currency', { description: 'A fiat code, or the asset the price is set in.' }),
    description: t.exposeString('description', { nullable: true }),
    storeName: t.string({ select: { store: { select: { name: true } } }, resolve: (i) => i.store.name }),
    redirectUrl: t.exposeString('redirectUrl', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    monitoringEndsAt: t.expose('monitoringEndsAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    paymentTolerancePercent: t.field({
      type: 'Decimal',
      resolve: (i) => i.paymentTolerancePercent.toFixed(),
    }),
    paidPercent: t.field({
      type: 'Decimal',
      description: 'Counted payments as a percentage of the price (100 = paid exactly).',
      resolve: async (i, _a, ctx) => {
        // ppb → percent: 1e9 ppb = 100 %, i.e. 7 decimal places of percent.
        return formatUnits((await invoiceAmounts(ctx, i.id)).paidFractionPpb, 7);
      },
    }),
    paymentMethods: t.relation('paymentMethods', { query: { orderBy: { asset: 'asc' } } }),
    payments: t.relation('payments', {
      // Payments seen in one block (or one second) share seenAt: chain order breaks the tie.
      query: {
        orderBy: [{ seenAt: 'asc' }, { blockHeight: { sort: 'asc', nulls: 'last' } }, { outputIndex: 'asc' }],
      },
    }),
    orderId: t.exposeString('orderId', { nullable: true, authScopes: owner }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true, authScopes: owner }),
    notificationUrl: t.exposeString('notificationUrl', { nullable: true, authScopes: owner }),
    userId: t.exposeID('userId', { nullable: true, authScopes: owner }),
    user: t.relation('user', { nullable: true, authScopes: owner }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', authScopes: owner }),
  }),
});

const CreateInvoiceInput = builder.inputType('CreateInvoiceInput', {
  fields: (t) => ({
    price: t.field({ type: 'Decimal', required: true, description: 'The price, e.g. "19.99".' }),
    currency: t.string({
      required: false,
      description: "A fiat code (default: the store's) or an asset code.",
    }),
    assets: t.stringList({
      required: false,
      description: 'Accepted assets; default: every asset with a wallet.',
    }),
    orderId: t.string({
      required: false,
      description: "The merchant's id for the purchase, unique per store.",
    }),
    description: t.string({ required: false }),
    metadata: t.field({ type: 'JSON', required: false, description: 'A JSON object up to 8 KiB.' }),
    userId: t.id({ required: false, description: 'The store user paying this invoice.' }),
    redirectUrl: t.string({
      required: false,
      description: 'Where the checkout page sends the buyer once paid.',
    }),
    notificationUrl: t.string({ required: false, description: "Receives this invoice's webhook events." }),
    expirationMinutes: t.int({ required: false }),
    monitoringMinutes: t.int({ required: false }),
    paymentTolerancePercent: t.field({ type: 'Decimal', required: false }),
  }),
});

const InvoiceFilter = builder.inputType('InvoiceFilter', {
  fields: (t) => ({
    status: t.field({ type: [InvoiceStatusEnum], required: false }),
    userId: t.id({ required: false }),
    orderId: t.string({ required: false }),
    createdFrom: t.field({ type: 'DateTime', required: false, description: 'Inclusive.' }),
    createdTo: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
  }),
});

builder.queryFields((t) => ({
  invoice: t.prismaField({
    type: 'Invoice',
    nullable: true,
    description: 'An invoice by id. Without credentials: the public checkout fields only.',
    authScopes: { public: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.prisma.invoice.findUnique({ ...query, where: { id: String(id) } }),
  }),
  invoices: t.prismaConnection({
    type: 'Invoice',
    cursor: 'id',
    description: "The store's invoices, newest first (a user token: that user's own).",
    authScopes: { scope: 'invoices:read', user: true },
    args: { filter: t.arg({ type: InvoiceFilter, required: false }) },
    resolve: (query, _root, { filter }, ctx) => {
      const storeId = callerStoreId(ctx);
      const userId = ctx.auth.kind === 'user' ? ctx.auth.userId : (filter?.userId ?? undefined);
      if (userId !== undefined && !isUuid(String(userId)))
        throw new ValidationError('filter.userId', 'is not a user id');
      return ctx.prisma.invoice.findMany({
        ...query,
        where: {
          storeId,
          userId: userId === undefined ? undefined : String(userId),
          status: filter?.status ? { in: filter.status } : undefined,
          orderId: filter?.orderId ?? undefined,
          createdAt: { gte: filter?.createdFrom ?? undefined, lt: filter?.createdTo ?? undefined },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
}));

/**
 * Whether a new invoice's own rows answer the client's selection: its columns, its payment
 * methods and its (still empty) payments do; anything else (storeName, user) is read back.
 */
function answersFromNewRows(query: { include?: Record<string, unknown>; select?: unknown }): boolean {
  if (query.select) return false;
  return Object.keys(query.include ?? {}).every(
    (relation) => relation === 'paymentMethods' || relation === 'payments',
  );
}

builder.mutationFields((t) => ({
  createInvoice: t.prismaField({
    type: 'Invoice',
    description: 'Creates an invoice; the same orderId with the same content returns the same invoice.',
    authScopes: { scope: 'invoices:write' },
    args: { input: t.arg({ type: CreateInvoiceInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const userId = input.userId == null ? null : String(input.userId);
      const { id, created } = await createInvoice(ctx.services, keyStoreId(ctx), { ...input, userId });
      if (created && answersFromNewRows(query)) return created;
      // Read back with the selection the client asked for (relations such as storeName included).
      return ctx.prisma.invoice.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  markInvoice: t.prismaField({
    type: 'Invoice',
    description: 'Sets an invoice SETTLED or INVALID by hand (exception MARKED); marked invoices stay so.',
    authScopes: { scope: 'invoices:write' },
    args: { id: t.arg.id({ required: true }), status: t.arg({ type: MarkStatus, required: true }) },
    resolve: async (query, _root, { id, status }, ctx) => {
      await markInvoice(ctx.services, keyStoreId(ctx), String(id), status);
      return ctx.prisma.invoice.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
}));
