/**
 * Topic names of the event bus. A topic is what one subscription listens to, so each names the
 * thing being watched; payloads carry ids and the event type only.
 */
export const topics = {
  /** Changes to a store's own settings. */
  store: (storeId: string) => `store:${storeId}`,
  /** Every change of one invoice (status, payments, confirmations). */
  invoice: (invoiceId: string) => `invoice:${invoiceId}`,
  /** Every invoice event of a store (invoiceEvents subscription). */
  storeInvoices: (storeId: string) => `store-invoices:${storeId}`,
  /** Deposits to one user's permanent addresses. */
  userDeposits: (userId: string) => `user-deposits:${userId}`,
  /** Every deposit event of a store. */
  storeDeposits: (storeId: string) => `store-deposits:${storeId}`,
  /** A user's ledger balances changed (ledgerBalanceUpdated). */
  userBalance: (userId: string) => `user-balance:${userId}`,
  /** Any store's settings or wallets changed; every api process drops its cached copy. */
  storeChanged: () => 'store-changed',
  /** Credentials that stopped being valid; every api process drops them from its cache. */
  credentialsRevoked: () => 'credentials-revoked',
};
