import { runSql, type SqlTx } from '../db/sql-tx.ts';

/** What a business event tells subscribers: ids and a type, never a copy of the data (rule 12). */
export interface EventInput {
  topic: string;
  storeId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Writes events in the caller's transaction, so they exist if and only if their cause commits.
 * Delivery to subscribers happens after commit (see EventBus.notifyCommitted): a NOTIFY inside
 * a hot write transaction would serialise commits.
 */
export async function publishEvents(tx: SqlTx, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const rows = events.map((event, i) => {
    values.push(event.topic, event.storeId, JSON.stringify(event.payload));
    return `($${i * 3 + 1}, $${i * 3 + 2}::uuid, $${i * 3 + 3}::jsonb)`;
  });
  await runSql(tx, `INSERT INTO "Event" (topic, "storeId", payload) VALUES ${rows.join(', ')}`, values);
}
