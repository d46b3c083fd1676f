import type pg from 'pg';
import { expect } from 'vitest';
import type { AccountRef, LedgerAccountCode, LedgerPart } from '../../src/domain/ledger-accounts.ts';
import { allocateSettledInvoice } from '../../src/domain/ledger-allocation.ts';
import type { PaymentStatus } from '../../src/domain/payment-status.ts';
import {
  type LedgerPayment,
  netPostings,
  type Posting,
  paymentPosition,
  positionStatus,
} from '../../src/domain/posting-rules.ts';

/**
 * Checks the whole ledger of a database against its payments and invoices, with plain SQL and
 * arithmetic independent of the posting code:
 *  1. every entry sums to zero per asset;
 *  2. every kept balance equals the sum of its account's lines;
 *  3. replaying the journal in order reproduces every balance;
 *  4. each payment's entries add up to the position its status (and its invoice) calls for, and
 *     follow one another as valid steps (nothing posted twice);
 *  5. WALLET holds exactly the live payments, and each USER_BALANCE exactly the user's deposits.
 */
export async function checkLedger(sql: pg.Pool, storeId: string | null = null): Promise<void> {
  const unbalanced = await sql.query(
    `
    SELECT e.id FROM "JournalEntry" e JOIN "JournalLine" l ON l."entryId" = e.id
    JOIN "LedgerAccount" a ON a.id = l."accountId"
    WHERE $1::uuid IS NULL OR e."storeId" = $1
    GROUP BY e.id, a.asset HAVING sum(l.amount) <> 0`,
    [storeId],
  );
  expect(unbalanced.rows, 'entries that do not sum to zero').toEqual([]);

  const { rows: lines } = await sql.query<{ accountId: string; part: LedgerPart; amount: string }>(
    `SELECT l."accountId", l.part::text AS part, l.amount::text AS amount
     FROM "JournalLine" l JOIN "LedgerAccount" a ON a.id = l."accountId"
     WHERE $1::uuid IS NULL OR a."storeId" = $1 ORDER BY l.id`,
    [storeId],
  );
  const replayed = new Map<string, { pending: bigint; confirmed: bigint }>();
  for (const l of lines) {
    const b = replayed.get(l.accountId) ?? { pending: 0n, confirmed: 0n };
    if (l.part === 'PENDING') b.pending += BigInt(l.amount);
    else b.confirmed += BigInt(l.amount);
    replayed.set(l.accountId, b);
  }
  const { rows: accounts } = await sql.query<{
    id: string;
    storeId: string;
    code: LedgerAccountCode;
    asset: string;
    userId: string | null;
    pending: string;
    confirmed: string;
  }>(
    // The kept balance: the sum of the account's slots.
    `SELECT a.id, a."storeId", a.code::text AS code, a.asset, a."userId",
       COALESCE(sum(b.pending), 0)::text AS pending, COALESCE(sum(b.confirmed), 0)::text AS confirmed
     FROM "LedgerAccount" a LEFT JOIN "LedgerBalanceSlot" b ON b."accountId" = a.id
     WHERE $1::uuid IS NULL OR a."storeId" = $1 GROUP BY a.id`,
    [storeId],
  );
  for (const a of accounts) {
    const r = replayed.get(a.id) ?? { pending: 0n, confirmed: 0n };
    expect(
      { account: a.id, pending: BigInt(a.pending), confirmed: BigInt(a.confirmed) },
      'balance = replay',
    ).toEqual({
      account: a.id,
      ...r,
    });
  }

  const { rows: payments } = await sql.query<{
    id: string;
    storeId: string;
    asset: string;
    amount: string;
    status: PaymentStatus;
    invoiceId: string | null;
    userId: string | null;
    seenAt: Date;
  }>(
    `SELECT id, "storeId", asset, amount::text AS amount, status::text AS status, "invoiceId", "userId", "seenAt"
     FROM "Payment" WHERE $1::uuid IS NULL OR "storeId" = $1`,
    [storeId],
  );
  const { rows: invoices } = await sql.query<{
    id: string;
    status: string;
    monitoringEndsAt: Date;
    methods: Array<{ asset: string; amountDue: string }>;
  }>(
    `SELECT i.id, i.status::text AS status, i."monitoringEndsAt",
        COALESCE(json_agg(json_build_object('asset', m.asset, 'amountDue', m."amountDue"::text)) FILTER (WHERE m.id IS NOT NULL), '[]') AS methods
      FROM "Invoice" i LEFT JOIN "PaymentMethod" m ON m."invoiceId" = i.id
      WHERE $1::uuid IS NULL OR i."storeId" = $1 GROUP BY i.id`,
    [storeId],
  );
  const { rows: posted } = await sql.query<{
    paymentId: string;
    seq: number;
    kind: string;
    entryId: string;
    code: LedgerAccountCode;
    userId: string | null;
    part: LedgerPart;
    amount: string;
  }>(
    `SELECT e."paymentId", e.seq, e.kind::text AS kind, e.id::text AS "entryId", a.code::text AS code, a."userId",
        l.part::text AS part, l.amount::text AS amount
      FROM "JournalEntry" e JOIN "JournalLine" l ON l."entryId" = e.id JOIN "LedgerAccount" a ON a.id = l."accountId"
      WHERE $1::uuid IS NULL OR e."storeId" = $1
      ORDER BY e.id, l.id`,
    [storeId],
  );

  const asLedger = (p: (typeof payments)[number]): LedgerPayment => ({ ...p, amount: BigInt(p.amount) });
  for (const p of payments) {
    const invoice = invoices.find((i) => i.id === p.invoiceId);
    let allocation: { sales: bigint; overpaid: bigint } | undefined;
    if (invoice?.status === 'SETTLED' && p.status === 'CONFIRMED') {
      const confirmed = payments
        .filter((q) => q.invoiceId === invoice.id && q.status === 'CONFIRMED')
        .map(asLedger);
      allocation = allocateSettledInvoice(
        {
          monitoringEndsAt: invoice.monitoringEndsAt,
          methods: invoice.methods.map((m) => ({ asset: m.asset, amountDue: BigInt(m.amountDue) })),
        },
        confirmed,
      ).get(p.id);
    }
    const mine = posted.filter((r) => r.paymentId === p.id);
    const postings: Posting[] = mine.map((r) => ({
      account: { code: r.code, userId: r.userId } as AccountRef,
      part: r.part,
      amount: BigInt(r.amount),
    }));
    expect(netPostings(postings), `journal of payment ${p.id} (${p.status})`).toEqual(
      netPostings(paymentPosition(asLedger(p), p.status, allocation)),
    );
    // Entries follow one another as valid steps, numbered 1, 2, 3…
    const entryIds = [...new Set(mine.map((r) => r.entryId))];
    let running: Posting[] = [];
    entryIds.forEach((entryId, i) => {
      const rows = mine.filter((r) => r.entryId === entryId);
      expect(rows[0].seq).toBe(i + 1);
      expect(
        validStep(rows[0].kind, positionStatus(running)),
        `${rows[0].kind} after ${positionStatus(running)}`,
      ).toBe(true);
      running = netPostings([
        ...running,
        ...rows.map((r) => ({
          account: { code: r.code, userId: r.userId },
          part: r.part,
          amount: BigInt(r.amount),
        })),
      ]);
    });
  }

  // Per store, asset and part, the wallet equals what it is owed to: every part balances.
  const parts = new Map<string, bigint>();
  for (const a of accounts)
    for (const [part, value] of [
      ['PENDING', a.pending],
      ['CONFIRMED', a.confirmed],
    ] as const) {
      const key = `${a.storeId}:${a.asset}:${part}`;
      parts.set(key, (parts.get(key) ?? 0n) + BigInt(value));
    }
  for (const [key, total] of parts) expect(total, `accounts of ${key} sum to zero`).toBe(0n);

  for (const a of accounts) {
    const live = (part: PaymentStatus, match: (p: (typeof payments)[number]) => boolean) =>
      payments
        .filter((p) => p.storeId === a.storeId && p.asset === a.asset && p.status === part && match(p))
        .reduce((s, p) => s + BigInt(p.amount), 0n);
    if (a.code === 'WALLET')
      expect([BigInt(a.pending), BigInt(a.confirmed)]).toEqual([
        live('PENDING', () => true),
        live('CONFIRMED', () => true),
      ]);
    if (a.code === 'USER_BALANCE') {
      const own = (p: (typeof payments)[number]) => p.userId === a.userId && p.invoiceId === null;
      expect([-BigInt(a.pending), -BigInt(a.confirmed)]).toEqual([
        live('PENDING', own),
        live('CONFIRMED', own),
      ]);
    }
  }
}

/** Is this entry's kind a valid move from what the payment's entries held before it? */
export function validStep(kind: string, before: ReturnType<typeof positionStatus>): boolean {
  if (kind.endsWith('_DETECTED')) return before === null;
  if (kind.endsWith('_UNCONFIRMED')) return before === 'CONFIRMED';
  if (kind.endsWith('_CONFIRMED')) return before === 'PENDING';
  if (kind.endsWith('_REVERSED')) return before !== null;
  return before === 'CONFIRMED';
}

/** How many journal entries exist: a repeated posting must not change it. */
export async function entryCount(sql: pg.Pool, storeId: string | null = null): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM "JournalEntry" WHERE $1::uuid IS NULL OR "storeId" = $1',
    [storeId],
  );
  return rows[0].n;
}
