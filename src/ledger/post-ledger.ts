import type { Services } from '../app/services.ts';
import type { Tx } from '../db/client.ts';
import { planLedgerEntries } from '../domain/posting-rules.ts';
import { type EventInput, publishEvents } from '../events/publish.ts';
import { topics } from '../events/topics.ts';
import { loadLedgerFacts } from './load-ledger-facts.ts';
import { valueEntries } from './value-entries.ts';
import { type JournalEntryRow, writeJournal } from './write-journal.ts';

/**
 * Brings the journal up to date with payments and invoices in the caller's transaction: reads
 * what the journal holds for each payment (and for every payment of each invoice involved),
 * plans the missing entries with the pure posting rules, and writes them. Idempotent: with
 * nothing changed since the last call, it posts nothing. Returns the entries it posted.
 */
export async function postLedger(
  services: Services,
  tx: Tx,
  scope: { paymentIds?: readonly string[]; invoiceIds?: readonly string[] },
): Promise<JournalEntryRow[]> {
  const paymentIds = scope.paymentIds ?? [];
  const invoiceIds = scope.invoiceIds ?? [];
  if (paymentIds.length === 0 && invoiceIds.length === 0) return [];
  const facts = await loadLedgerFacts(tx, { paymentIds, invoiceIds });
  const planned = planLedgerEntries({
    payments: facts.payments,
    posted: new Map([...facts.posted].map(([id, p]) => [id, p.postings])),
    invoices: facts.invoices,
  });
  if (planned.length === 0) return [];
  const rows = await valueEntries(services, facts, planned, services.now());
  await writeJournal(tx, rows);
  await publishEvents(tx, balanceEvents(rows));
  return rows;
}

/** One ledgerBalanceUpdated hint per user and asset whose balance moved (ids only, rule 12). */
function balanceEvents(rows: readonly JournalEntryRow[]): EventInput[] {
  const events = new Map<string, EventInput>();
  for (const row of rows)
    for (const line of row.lines) {
      const userId = line.account.userId;
      if (!userId) continue;
      events.set(`${userId}:${row.asset}`, {
        topic: topics.userBalance(userId),
        storeId: row.storeId,
        payload: { type: 'ledger.balance_updated', userId, asset: row.asset },
      });
    }
  return [...events.values()];
}
