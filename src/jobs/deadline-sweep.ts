import { expireDueInvoices } from '../app/expire-due-invoices.ts';
import type { Services } from '../app/services.ts';

/** How often a worker looks for invoices whose deadline has come. */
export const DEADLINE_SWEEP_MS = 1000;

export interface DeadlineSweep {
  /** Lets a running sweep finish its current invoice, then ends the loop. */
  stop(): Promise<void>;
}

/**
 * Expiry without a job per invoice: each worker looks for due NEW invoices every second (an
 * indexed query on status and expiresAt) and at once on start, so deadlines that passed while
 * Kassa was stopped are acted on after a restart. A per-invoice pg-boss job written by every
 * createInvoice was the most expensive statement of invoice creation; the invoice row already
 * says when it is due, so polling it is the truth, as pg-boss itself polls.
 *
 * The end of monitoring still has its pg-boss job (`invoice.deadline`), sent by the lifecycle
 * when an invoice expires, off the request path.
 */
export function startDeadlineSweep(services: Services, intervalMs = DEADLINE_SWEEP_MS): DeadlineSweep {
  const stopping = new AbortController();
  const backoff = new SweepBackoff();
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const { changed, failed } = await expireDueInvoices(services, {
          signal: stopping.signal,
          exclude: backoff.waiting(Date.now()),
        });
        if (changed > 0) services.log.info({ expired: changed }, 'expired invoices whose deadline came');
        for (const { invoiceId, error } of failed) {
          const retryInMs = backoff.failed(invoiceId, Date.now());
          services.log.error({ err: error, invoiceId, retryInMs }, 'could not apply an invoice deadline');
        }
      } catch (error) {
        // The database may be restarting; the next round tries again.
        services.log.warn({ err: error }, 'deadline sweep failed; retrying');
      }
      if (stopping.signal.aborted) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 5 * 60_000;

/**
 * Invoices whose deadline transaction failed are tried again later, and later again each time
 * (5 s doubling to 5 min), instead of at every sweep: a bad row costs a log line every few
 * minutes, not a failing transaction every second.
 */
export class SweepBackoff {
  readonly #entries = new Map<string, { until: number; delayMs: number }>();

  /** Invoices to pass over now. */
  waiting(now: number): string[] {
    const ids: string[] = [];
    for (const [id, entry] of this.#entries) {
      if (entry.until > now) ids.push(id);
      // Long since retried without failing again: forget it.
      else if (now - entry.until > LAST_RETRY_MS) this.#entries.delete(id);
    }
    return ids;
  }

  /** Records a failure; returns how long the invoice now waits. */
  failed(invoiceId: string, now: number): number {
    const previous = this.#entries.get(invoiceId);
    const delayMs = previous ? Math.min(previous.delayMs * 2, LAST_RETRY_MS) : FIRST_RETRY_MS;
    this.#entries.set(invoiceId, { until: now + delayMs, delayMs });
    return delayMs;
  }
}
