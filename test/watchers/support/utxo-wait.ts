import type { GraphQLClient } from 'graphql-request';
import { UtxoInvoiceDocument, type UtxoInvoiceFieldsFragment } from '../../graphql/generated/graphql.ts';
import { run } from '../../support/graphql-client.ts';
import { type PollOptions, pollUntil } from '../../support/poll-until.ts';

/** How long a watcher outcome may take: a few poll intervals, a pg-boss hand-over, CI slack. */
export const WAIT_MS = 20_000;
const POLL_MS = 50;

/**
 * Polls `condition` until it returns a truthy value, failing after `timeoutMs` with what was
 * waited for and, when given, the last thing seen (what a failure report needs).
 */
export function until<T>(
  condition: () => Promise<T | undefined | null | false>,
  what: string,
  options: PollOptions = {},
): Promise<T> {
  return pollUntil(condition, what, { timeoutMs: WAIT_MS, pollMs: POLL_MS, ...options });
}

export type UtxoInvoice = UtxoInvoiceFieldsFragment;
export type UtxoPayment = UtxoInvoice['payments'][number];

/** The invoice as the merchant's API key reads it. */
export async function readInvoice(admin: GraphQLClient, id: string): Promise<UtxoInvoice> {
  const { invoice } = await run(admin, UtxoInvoiceDocument, { id });
  if (!invoice) throw new Error(`invoice ${id} not found`);
  return invoice;
}

/** Polls the invoice over GraphQL until `holds`; the timeout error shows the invoice as last read. */
export async function waitForInvoice(
  admin: GraphQLClient,
  id: string,
  holds: (invoice: UtxoInvoice) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<UtxoInvoice> {
  let last: UtxoInvoice | undefined;
  return until(
    async () => {
      last = await readInvoice(admin, id);
      return holds(last) ? last : undefined;
    },
    `invoice ${id}: ${what}`,
    { timeoutMs, lastSeen: () => last },
  );
}

/** A clock the app reads through `startKassa(..., { now })`: the wall clock plus an offset tests move. */
export class Clock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  /** Moves the app's time forward (the wall clock keeps running underneath). */
  advanceMs(ms: number): void {
    this.#offsetMs += ms;
  }
  /** Puts the app's time at `at` (from where the wall clock keeps running). */
  set(at: Date): void {
    this.#offsetMs = at.getTime() - Date.now();
  }
  reset(): void {
    this.#offsetMs = 0;
  }
}
