import type { Prisma } from '../db/client.ts';
import type { Auth } from '../domain/auth.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { LedgerAccountCode } from '../domain/ledger-accounts.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { JournalEntryKind } from '../domain/posting-rules.ts';
import { grants } from '../domain/scopes.ts';

export interface LedgerBalanceFilter {
  accountId?: string | null;
  account?: LedgerAccountCode | null;
  userId?: string | null;
  asset?: string | null;
}

export interface JournalEntryFilter extends LedgerBalanceFilter {
  status?: readonly PaymentStatus[] | null;
  kind?: readonly JournalEntryKind[] | null;
  invoiceId?: string | null;
  paymentId?: string | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
}

/**
 * Who may read which ledger rows: a store key with `ledger:read` reads its store's accounts; a
 * user token reads only accounts of its own user (USER_BALANCE), and only entries that post to
 * them. Asking for another user's accounts with a user token is FORBIDDEN, not an empty list, so
 * a frontend bug is loud.
 */
function ledgerReader(auth: Auth, filter: LedgerBalanceFilter | null | undefined) {
  if (auth.kind === 'anonymous') throw new UnauthenticatedError();
  if (filter?.userId != null && !isUuid(filter.userId))
    throw new ValidationError('filter.userId', 'is not a user id');
  if (filter?.accountId != null && !isUuid(filter.accountId))
    throw new ValidationError('filter.accountId', 'is not an account id');
  if (auth.kind === 'user') {
    if (filter?.userId != null && filter.userId !== auth.userId)
      throw new ForbiddenError('a user token reads only its own ledger');
    return { storeId: auth.storeId, ownUserId: auth.userId };
  }
  if (!grants(auth.scopes, 'ledger:read')) throw new ForbiddenError('this needs the ledger:read scope');
  return { storeId: auth.storeId, ownUserId: null };
}

/** Accounts (with their balances) the caller asked for and may read. */
export function ledgerAccountWhere(
  auth: Auth,
  filter: LedgerBalanceFilter | null | undefined,
): Prisma.LedgerAccountWhereInput {
  const { storeId, ownUserId } = ledgerReader(auth, filter);
  return {
    storeId,
    id: filter?.accountId ?? undefined,
    code: filter?.account ?? undefined,
    asset: filter?.asset ?? undefined,
    userId: ownUserId ?? filter?.userId ?? undefined,
  };
}

/** Journal entries the caller asked for and may read. */
export function journalEntryWhere(
  auth: Auth,
  filter: JournalEntryFilter | null | undefined,
): Prisma.JournalEntryWhereInput {
  const { storeId, ownUserId } = ledgerReader(auth, filter);
  if (filter?.paymentId != null && !isUuid(filter.paymentId))
    throw new ValidationError('filter.paymentId', 'is not a payment id');
  const account: Prisma.LedgerAccountWhereInput = {
    id: filter?.accountId ?? undefined,
    code: filter?.account ?? undefined,
    userId: ownUserId ?? undefined,
  };
  const byAccount = account.id !== undefined || account.code !== undefined || account.userId !== undefined;
  return {
    storeId,
    userId: ownUserId ?? filter?.userId ?? undefined,
    asset: filter?.asset ?? undefined,
    status: filter?.status ? { in: [...filter.status] } : undefined,
    kind: filter?.kind ? { in: [...filter.kind] } : undefined,
    invoiceId: filter?.invoiceId ?? undefined,
    paymentId: filter?.paymentId ?? undefined,
    createdAt: { gte: filter?.from ?? undefined, lt: filter?.to ?? undefined },
    lines: byAccount ? { some: { account } } : undefined,
  };
}
