/**
 * The life of one payment (one credit on chain) as the chain watcher sees it. The status is a
 * function of the latest chain facts, not of history, with one exception: REVERSED is final,
 * because journal entries for it have been reversed and a payment that "comes back" after that
 * is recorded as a new payment rather than resurrecting the old one.
 */

export const PAYMENT_STATUSES = ['PENDING', 'CONFIRMED', 'REVERSED'] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What the chain watcher knows about a payment's transaction right now. */
export interface PaymentChainFacts {
  /** Depth of the block holding the transaction; 0 while it waits in the mempool. */
  confirmations: number;
  /** Depth this payment needs (see requiredConfirmations). */
  required: number;
  /** The transaction is neither in the mempool nor in the best chain (evicted or reorged away). */
  vanished: boolean;
  /** A conflicting transaction spending the same inputs has been seen (mempool replacement or block). */
  doubleSpent: boolean;
  /**
   * The transaction has stayed vanished for longer than the configured depth (the chain grew
   * that many blocks past the point where it disappeared). Only then is a vanished payment given
   * up on: shallow reorgs usually re-mine the same transactions within a block or two.
   */
  reorgedDeeperThan?: boolean;
}

/**
 * The payment's next status.
 * - REVERSED stays REVERSED.
 * - Double-spent → REVERSED; vanished and missing past the configured depth → REVERSED.
 * - Vanished but not yet past the depth → PENDING (a CONFIRMED payment whose block was reorged
 *   away waits here for the transaction to be re-mined).
 * - Otherwise CONFIRMED when confirmations ≥ required, else PENDING; so a payment re-mined
 *   after a reorg becomes CONFIRMED again once deep enough.
 *
 * @example
 * nextPaymentStatus({ confirmations: 3, required: 3, vanished: false, doubleSpent: false }, 'PENDING'); // 'CONFIRMED'
 * nextPaymentStatus({ confirmations: 0, required: 3, vanished: true, doubleSpent: false }, 'CONFIRMED'); // 'PENDING'
 * nextPaymentStatus({ confirmations: 0, required: 3, vanished: true, doubleSpent: false, reorgedDeeperThan: true }, 'PENDING'); // 'REVERSED'
 */
export function nextPaymentStatus(facts: PaymentChainFacts, previous: PaymentStatus): PaymentStatus {
  if (previous === 'REVERSED') return 'REVERSED';
  if (facts.doubleSpent) return 'REVERSED';
  if (facts.vanished) return facts.reorgedDeeperThan === true ? 'REVERSED' : 'PENDING';
  return facts.confirmations >= facts.required ? 'CONFIRMED' : 'PENDING';
}
