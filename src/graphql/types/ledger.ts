import type { LedgerAccount, LedgerBalanceSlot } from '../../db/generated/prisma/client.ts';
import {
  JournalEntryKind,
  LedgerAccountCode,
  LedgerPart,
  PaymentStatus,
} from '../../db/generated/prisma/enums.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { NORMAL_SIDE, normalBalance } from '../../domain/ledger-accounts.ts';
import { startingWith } from '../../events/starting-with.ts';
import { topics } from '../../events/topics.ts';
import { journalEntryWhere, ledgerAccountWhere } from '../../ledger/ledger-filters.ts';
import { assertMayReadUser, callerStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';

/** ledgerBalances answers at most this many accounts; more is a job for /reports/balances.csv. */
const MAX_BALANCES = 1000;

const AccountCodeEnum = builder.enumType(LedgerAccountCode, {
  name: 'LedgerAccountCode',
  description:
    'WALLET (crypto held), USER_BALANCE (owed to a user), INVOICE_RECEIPTS (received for unsettled invoices), SALES (settled invoices), OVERPAYMENTS (paid above a settled price), UNATTRIBUTED (no invoice or user). See docs/ledger.md.',
});
const PartEnum = builder.enumType(LedgerPart, {
  name: 'LedgerPart',
  description: 'PENDING: not yet confirmed on chain; CONFIRMED: confirmed enough.',
});
const EntryKindEnum = builder.enumType(JournalEntryKind, {
  name: 'JournalEntryKind',
  description: 'The business event an entry records.',
});
const EntryStatusEnum = builder.enumType(PaymentStatus, {
  name: 'JournalEntryStatus',
  description: "The payment's status once the entry was posted.",
});
const NormalSideEnum = builder.enumType('LedgerNormalSide', { values: ['DEBIT', 'CREDIT'] as const });

const decimalsOf = (ctx: Context, asset: string) => ctx.services.chains.assets[asset]?.decimals ?? 0;

builder.prismaObject('LedgerAccount', {
  description: 'One account of the chart of accounts, for one store and asset (and user, for USER_BALANCE).',
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.expose('code', { type: AccountCodeEnum }),
    asset: t.exposeString('asset'),
    userId: t.exposeID('userId', { nullable: true }),
    // The external id only, not the User: a ledger:read key must not read emails or metadata.
    userExternalId: t.string({
      nullable: true,
      description: "The merchant's own id of the account's user.",
      resolve: async (account, _args, ctx) =>
        account.userId
          ? ((
              await ctx.prisma.user.findUnique({
                where: { id: account.userId },
                select: { externalId: true },
              })
            )?.externalId ?? null)
          : null,
    }),
    normalSide: t.field({
      type: NormalSideEnum,
      description: 'The side on which the account grows; balances are shown positive on that side.',
      resolve: (account) => NORMAL_SIDE[account.code],
    }),
  }),
});

type AccountWithSlots = LedgerAccount & { slots: LedgerBalanceSlot[] };

/** An account's kept balance: the sum of its slots, debit positive. */
function kept(a: AccountWithSlots) {
  let pending = 0n;
  let confirmed = 0n;
  for (const s of a.slots) {
    pending += BigInt(s.pending.toFixed());
    confirmed += BigInt(s.confirmed.toFixed());
  }
  return { pending: normalBalance(a.code, pending), confirmed: normalBalance(a.code, confirmed) };
}

const LedgerBalanceRef = builder.objectRef<AccountWithSlots>('LedgerBalance').implement({
  description:
    "An account's balance, kept with every posting (equal to the sum of its journal lines), in smallest units, positive on the account's normal side.",
  fields: (t) => ({
    account: t.prismaField({ type: 'LedgerAccount', resolve: (_query, account) => account }),
    asset: t.exposeString('asset'),
    decimals: t.int({ resolve: (a, _args, ctx) => decimalsOf(ctx, a.asset) }),
    pending: t.field({
      type: 'BigInt',
      description: 'Not yet confirmed on chain.',
      resolve: (a) => kept(a).pending,
    }),
    confirmed: t.field({
      type: 'BigInt',
      description: 'Confirmed (validated).',
      resolve: (a) => kept(a).confirmed,
    }),
    total: t.field({
      type: 'BigInt',
      resolve: (a) => {
        const { pending, confirmed } = kept(a);
        return pending + confirmed;
      },
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When a posting last moved it.',
      resolve: (a) => new Date(Math.max(a.createdAt.getTime(), ...a.slots.map((s) => s.updatedAt.getTime()))),
    }),
  }),
});

builder.prismaObject('JournalLine', {
  description: 'One posting of an entry: an amount on one part of one account.',
  fields: (t) => ({
    account: t.relation('account'),
    part: t.expose('part', { type: PartEnum }),
    amount: t.field({
      type: 'BigInt',
      description: 'Smallest units: debit positive, credit negative (the lines of an entry sum to zero).',
      resolve: (l) => BigInt(l.amount.toFixed()),
    }),
    debit: t.field({ type: 'BigInt', resolve: (l) => max0(BigInt(l.amount.toFixed())) }),
    credit: t.field({ type: 'BigInt', resolve: (l) => max0(-BigInt(l.amount.toFixed())) }),
    fiatValue: t.field({
      type: 'Decimal',
      nullable: true,
      description: "The amount in the entry's fiat currency (signed like amount).",
      resolve: (l) => l.fiatValue?.toFixed() ?? null,
    }),
  }),
});

builder.prismaObject('JournalEntry', {
  description: 'An immutable, balanced set of postings recording one business event about one payment.',
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id.toString() }),
    kind: t.expose('kind', { type: EntryKindEnum }),
    status: t.expose('status', { type: EntryStatusEnum }),
    asset: t.exposeString('asset'),
    decimals: t.int({ resolve: (e, _args, ctx) => decimalsOf(ctx, e.asset) }),
    amount: t.field({
      type: 'BigInt',
      description: 'The payment amount the entry concerns, smallest units.',
      resolve: (e) => BigInt(e.amount.toFixed()),
    }),
    description: t.exposeString('description'),
    paymentId: t.exposeID('paymentId', { nullable: true }),
    payment: t.prismaField({
      type: 'Payment',
      nullable: true,
      resolve: (query, e, _args, ctx) =>
        e.paymentId ? ctx.prisma.payment.findUnique({ ...query, where: { id: e.paymentId } }) : null,
    }),
    invoiceId: t.exposeID('invoiceId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true }),
    fiatCurrency: t.exposeString('fiatCurrency', { description: "The store's currency." }),
    rate: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'fiatCurrency per whole asset used to value the entry; null when none was known.',
      resolve: (e) => e.rate?.toFixed() ?? null,
    }),
    rateSource: t.exposeString('rateSource', { nullable: true }),
    fiatValue: t.field({
      type: 'Decimal',
      nullable: true,
      description: '`amount` valued at `rate`.',
      resolve: (e) => e.fiatValue?.toFixed() ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lines: t.relation('lines', { query: { orderBy: { id: 'asc' } } }),
  }),
});

const BalanceFilter = builder.inputType('LedgerBalanceFilter', {
  fields: (t) => ({
    accountId: t.id({ required: false }),
    account: t.field({ type: AccountCodeEnum, required: false }),
    userId: t.id({ required: false }),
    asset: t.string({ required: false }),
  }),
});

const EntryFilter = builder.inputType('JournalEntryFilter', {
  fields: (t) => ({
    accountId: t.id({ required: false, description: 'Entries posting to this account.' }),
    account: t.field({
      type: AccountCodeEnum,
      required: false,
      description: 'Entries posting to such an account.',
    }),
    userId: t.id({ required: false, description: 'Entries about this user (deposits, their invoices).' }),
    asset: t.string({ required: false }),
    status: t.field({ type: [EntryStatusEnum], required: false }),
    kind: t.field({ type: [EntryKindEnum], required: false }),
    invoiceId: t.id({ required: false }),
    paymentId: t.id({ required: false }),
    from: t.field({ type: 'DateTime', required: false, description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
  }),
});

const idOrNull = (v: string | number | null | undefined) => (v == null ? null : String(v));

builder.queryFields((t) => ({
  ledgerBalances: t.field({
    type: [LedgerBalanceRef],
    description: `Balances of the store's accounts (a user token: its own user's). At most ${MAX_BALANCES}; narrow the filter or use /reports/balances.csv beyond that.`,
    authScopes: { scope: 'ledger:read', user: true },
    args: { filter: t.arg({ type: BalanceFilter, required: false }) },
    resolve: async (_root, { filter }, ctx) => {
      const rows = await ctx.prisma.ledgerAccount.findMany({
        where: ledgerAccountWhere(ctx.auth, {
          ...filter,
          accountId: idOrNull(filter?.accountId),
          userId: idOrNull(filter?.userId),
        }),
        orderBy: [{ code: 'asc' }, { asset: 'asc' }, { userId: 'asc' }, { id: 'asc' }],
        include: { slots: true },
        take: MAX_BALANCES + 1,
      });
      if (rows.length > MAX_BALANCES)
        throw new ValidationError('filter', `matches more than ${MAX_BALANCES} accounts; narrow it`);
      return rows;
    },
  }),
  journalEntries: t.prismaConnection({
    type: 'JournalEntry',
    cursor: 'id',
    description: "The store's journal, newest first (a user token: entries posting to its own accounts).",
    authScopes: { scope: 'ledger:read', user: true },
    args: { filter: t.arg({ type: EntryFilter, required: false }) },
    resolve: (query, _root, { filter }, ctx) =>
      ctx.prisma.journalEntry.findMany({
        ...query,
        where: journalEntryWhere(ctx.auth, {
          ...filter,
          accountId: idOrNull(filter?.accountId),
          userId: idOrNull(filter?.userId),
          invoiceId: idOrNull(filter?.invoiceId),
          paymentId: idOrNull(filter?.paymentId),
        }),
        orderBy: { id: 'desc' },
      }),
  }),
}));

builder.subscriptionField('ledgerBalanceUpdated', (t) =>
  t.field({
    type: [LedgerBalanceRef],
    description: "A user's balances now, then after every posting that changes one of them.",
    authScopes: { scope: 'ledger:read', user: true },
    args: { userId: t.arg.id({ required: true }) },
    subscribe: async (_root, { userId }, ctx) => {
      assertMayReadUser(ctx, String(userId), 'ledger:read');
      // Registered before the check: a posting right after it is not lost.
      const events = ctx.services.bus.subscribe(topics.userBalance(String(userId)));
      const user = isUuid(String(userId))
        ? await ctx.prisma.user.findFirst({
            where: { id: String(userId), storeId: callerStoreId(ctx) },
            select: { id: true },
          })
        : null;
      if (!user) {
        await events.return?.();
        throw new NotFoundError('user', String(userId));
      }
      return startingWith(null, events);
    },
    resolve: (_event, { userId }, ctx) =>
      ctx.prisma.ledgerAccount.findMany({
        where: ledgerAccountWhere(ctx.auth, { userId: String(userId) }),
        orderBy: [{ asset: 'asc' }, { code: 'asc' }],
        include: { slots: true },
        take: MAX_BALANCES,
      }),
  }),
);

function max0(x: bigint): bigint {
  return x > 0n ? x : 0n;
}
