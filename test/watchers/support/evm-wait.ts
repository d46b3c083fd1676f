import type { GraphQLClient } from 'graphql-request';
import {
  WatchersInvoiceDocument,
  type WatchersInvoiceFieldsFragment,
} from '../../graphql/generated/graphql.ts';
import { run } from '../../support/graphql-client.ts';
import { pollUntil } from '../../support/poll-until.ts';

export const WAIT_MS = 15_000;
const POLL_MS = 100;

/**
 * Polls `condition` every 100 ms until it returns a truthy value, failing after `timeoutMs` with
 * what was waited for and, when given, the last thing seen (the data a failure report needs).
 */
export function until<T>(
  condition: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = WAIT_MS,
  lastSeen?: () => unknown,
): Promise<T> {
  return pollUntil(condition, what, { timeoutMs, pollMs: POLL_MS, lastSeen });
}

export type WatchedInvoice = WatchersInvoiceFieldsFragment;

/** The invoice as the merchant's API key reads it. */
export async function readInvoice(admin: GraphQLClient, id: string): Promise<WatchedInvoice> {
  const { invoice } = await run(admin, WatchersInvoiceDocument, { id });
  if (!invoice) throw new Error(`invoice ${id} not found`);
  return invoice;
}

/** Polls the invoice over GraphQL until `holds`; the timeout error shows the invoice as last read. */
export async function waitForInvoice(
  admin: GraphQLClient,
  id: string,
  holds: (invoice: WatchedInvoice) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<WatchedInvoice> {
  let last: WatchedInvoice | undefined;
  return until(
    async () => {
      last = await readInvoice(admin, id);
      return holds(last) ? last : undefined;
    },
    `invoice ${id}: ${what}`,
    timeoutMs,
    () => last,
  );
}

/** A clock the app reads through `startKassa(..., { now })`; tests move it. */
export class Clock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  /** Moves the app's time forward (the wall clock keeps running underneath). */
  advanceMs(ms: number): void {
    this.#offsetMs += ms;
  }
  reset(): void {
    this.#offsetMs = 0;
  }
}
