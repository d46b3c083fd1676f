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
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const expired = await expireDueInvoices(services, { signal: stopping.signal });
        if (expired > 0) services.log.info({ expired }, 'expired invoices whose deadline came');
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
