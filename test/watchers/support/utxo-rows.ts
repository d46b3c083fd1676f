import type pg from 'pg';
import { until, WAIT_MS } from './utxo-wait.ts';
import { CHAIN } from './utxo-world.ts';

/** A Payment row as stored, with the chain facts GraphQL does not show. */
export interface PaymentRow {
  id: string;
  txid: string;
  outputIndex: number;
  address: string;
  amount: string;
  invoiceId: string | null;
  userId: string | null;
  status: 'PENDING' | 'CONFIRMED' | 'REVERSED';
  confirmations: number;
  requiredConfirmations: number;
  signalsRbf: boolean;
  blockHash: string | null;
  blockHeight: number | null;
  replacedByTxid: string | null;
  missingSinceHeight: number | null;
}

const PAYMENT_COLUMNS = `id, txid, "outputIndex", address, amount::text AS amount, "invoiceId", "userId",
  status::text AS status, confirmations, "requiredConfirmations", "signalsRbf", "blockHash", "blockHeight",
  "replacedByTxid", "missingSinceHeight"`;

/** Payment rows matching `where` (parameters $1…), oldest first. */
export async function paymentRows(pool: pg.Pool, where: string, values: unknown[]): Promise<PaymentRow[]> {
  const { rows } = await pool.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM "Payment" WHERE chain = '${CHAIN}' AND (${where})
     ORDER BY "seenAt", txid, "outputIndex"`,
    values,
  );
  return rows;
}

export const paymentsOfTx = (pool: pg.Pool, txid: string) => paymentRows(pool, 'txid = $1', [txid]);
export const paymentsOfInvoice = (pool: pg.Pool, invoiceId: string) =>
  paymentRows(pool, '"invoiceId" = $1', [invoiceId]);

/** Waits until output `vout` of `txid` is stored and satisfies `holds`; returns that row. */
export async function waitForPayment(
  pool: pg.Pool,
  txid: string,
  holds: (row: PaymentRow) => boolean,
  what: string,
  options: { vout?: number; timeoutMs?: number } = {},
): Promise<PaymentRow> {
  let last: PaymentRow[] = [];
  return until(
    async () => {
      last = await paymentsOfTx(pool, txid);
      const row = last.find((r) => r.outputIndex === (options.vout ?? r.outputIndex));
      return row && holds(row) ? row : undefined;
    },
    `payment ${txid}: ${what}`,
    { timeoutMs: options.timeoutMs ?? WAIT_MS, lastSeen: () => last },
  );
}

/** (txid, output) keys stored more than once: must always be empty. */
export async function duplicatePaymentKeys(pool: pg.Pool) {
  const { rows } = await pool.query<{ txid: string; outputIndex: number; n: number }>(
    `SELECT txid, "outputIndex", count(*)::int AS n FROM "Payment"
     GROUP BY chain, txid, "outputIndex" HAVING count(*) > 1`,
  );
  return rows;
}

export async function readCursor(pool: pg.Pool): Promise<{ height: number; hash: string } | undefined> {
  const { rows } = await pool.query<{ height: number; hash: string }>(
    'SELECT height, hash FROM "ChainCursor" WHERE chain = $1',
    [CHAIN],
  );
  return rows[0];
}

/** Waits until the watcher's cursor is exactly at `tip` (height and hash): everything below is recorded. */
export async function waitForCursorAt(
  pool: pg.Pool,
  tip: { height: number; hash: string },
  timeoutMs = WAIT_MS,
): Promise<void> {
  let last: unknown;
  await until(
    async () => {
      last = await readCursor(pool);
      const cursor = last as { height: number; hash: string } | undefined;
      return cursor?.height === tip.height && cursor.hash === tip.hash;
    },
    `the ${CHAIN} cursor at ${tip.height} ${tip.hash}`,
    { timeoutMs, lastSeen: () => last },
  );
}

/** Waits until the watcher has stored a cursor (it starts at the tip it first sees). */
export function waitForCursor(pool: pg.Pool, timeoutMs = WAIT_MS) {
  return until(() => readCursor(pool), `a ${CHAIN} cursor`, { timeoutMs });
}

/** The stored blocks' heights, and those missing between the lowest and the highest. */
export async function chainBlockHeights(pool: pg.Pool): Promise<{ heights: number[]; gaps: number[] }> {
  const { rows } = await pool.query<{ height: number }>(
    'SELECT height FROM "ChainBlock" WHERE chain = $1 ORDER BY height',
    [CHAIN],
  );
  const heights = rows.map((r) => r.height);
  const gaps: number[] = [];
  for (let i = 1; i < heights.length; i++) for (let h = heights[i - 1] + 1; h < heights[i]; h++) gaps.push(h);
  return { heights, gaps };
}

/** Event types published on `topic`, in commit order, with the payment each names. */
export async function eventsOn(
  pool: pg.Pool,
  topic: string,
): Promise<Array<{ type: string; paymentId?: string }>> {
  const { rows } = await pool.query<{ type: string; paymentId: string | null }>(
    `SELECT payload->>'type' AS type, payload->>'paymentId' AS "paymentId" FROM "Event" WHERE topic = $1 ORDER BY id`,
    [topic],
  );
  return rows.map((r) => (r.paymentId ? { type: r.type, paymentId: r.paymentId } : { type: r.type }));
}
