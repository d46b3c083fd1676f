/**
 * The chart of accounts (docs/ledger.md). Every account exists per store and per asset; a
 * USER_BALANCE account also per user. Each account's balance has a PENDING and a CONFIRMED
 * part. Amounts are signed smallest units, debit positive and credit negative, so the lines of
 * a balanced entry sum to zero.
 */

export const LEDGER_ACCOUNT_CODES = [
  'WALLET',
  'USER_BALANCE',
  'INVOICE_RECEIPTS',
  'SALES',
  'OVERPAYMENTS',
  'UNATTRIBUTED',
] as const;
export type LedgerAccountCode = (typeof LEDGER_ACCOUNT_CODES)[number];

export const LEDGER_PARTS = ['PENDING', 'CONFIRMED'] as const;
export type LedgerPart = (typeof LEDGER_PARTS)[number];

export type NormalSide = 'DEBIT' | 'CREDIT';

/**
 * The side on which each account grows. WALLET is what the store holds (an asset); everything
 * else says whose that holding is: a user's, an open invoice's, the store's own revenue, or
 * nobody's yet.
 */
export const NORMAL_SIDE: Readonly<Record<LedgerAccountCode, NormalSide>> = {
  WALLET: 'DEBIT',
  USER_BALANCE: 'CREDIT',
  INVOICE_RECEIPTS: 'CREDIT',
  SALES: 'CREDIT',
  OVERPAYMENTS: 'CREDIT',
  UNATTRIBUTED: 'CREDIT',
};

/** An account within one store and asset; `userId` only for USER_BALANCE. */
export interface AccountRef {
  code: LedgerAccountCode;
  userId: string | null;
}

/**
 * The unique key of an account row. A text key rather than a composite unique index because
 * userId is null for store accounts and Postgres treats nulls as distinct.
 *
 * @example
 * accountKey('5f0c…', 'BTC', { code: 'WALLET', userId: null }); // "5f0c…:WALLET:BTC:-"
 */
export function accountKey(storeId: string, asset: string, account: AccountRef): string {
  return `${storeId}:${account.code}:${asset}:${account.userId ?? '-'}`;
}

/** The key of an account within one entry (store and asset are the entry's). */
export function accountRefKey(account: AccountRef): string {
  return `${account.code}:${account.userId ?? '-'}`;
}

/**
 * A signed (debit-positive) amount as the account's owner reads it: positive when the account
 * has grown on its normal side (a user's balance is positive when the store owes them).
 *
 * @example
 * normalBalance('USER_BALANCE', -5000n); // 5000n
 * normalBalance('WALLET', 5000n); // 5000n
 */
export function normalBalance(code: LedgerAccountCode, signedAmount: bigint): bigint {
  return NORMAL_SIDE[code] === 'DEBIT' ? signedAmount : -signedAmount;
}
