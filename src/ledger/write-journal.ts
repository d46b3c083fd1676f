import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { accountKey } from '../domain/ledger-accounts.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { JournalEntryKind, Posting } from '../domain/posting-rules.ts';

/** One entry ready to insert, with its lines. */
export interface JournalEntryRow {
  storeId: string;
  idempotencyKey: string;
  kind: JournalEntryKind;
  status: PaymentStatus;
  asset: string;
  paymentId: string | null;
  seq: number;
  invoiceId: string | null;
  userId: string | null;
  description: string;
  amount: bigint;
  fiatCurrency: string;
  rate: string | null;
  rateSource: string | null;
  fiatValue: string | null;
  createdAt: Date;
  lines: Array<Posting & { fiatValue: string | null }>;
}

/**
 * Inserts entries and their lines in four statements, whatever their number: accounts created
 * when new (in key order, so two transactions creating the same ones queue instead of
 * deadlocking), the entries, the accounts' ids, then all lines in one statement, on which the
 * database checks that every entry sums to zero and adds the lines to the balances (one slot
 * per transaction, see the migration): account rows themselves are never locked.
 */
export async function writeJournal(tx: Tx, entries: readonly JournalEntryRow[]): Promise<void> {
  if (entries.length === 0) return;
  const accounts = new Map<string, { storeId: string; code: string; asset: string; userId: string | null }>();
  for (const e of entries)
    for (const line of e.lines)
      accounts.set(accountKey(e.storeId, e.asset, line.account), {
        storeId: e.storeId,
        code: line.account.code,
        asset: e.asset,
        userId: line.account.userId,
      });
  const keys = [...accounts.keys()].sort();
  const values = keys.map((k) => accounts.get(k)!);
  await tx.$executeRaw`
    INSERT INTO "LedgerAccount" (id, key, "storeId", code, asset, "userId")
    SELECT * FROM unnest(${keys.map(() => randomUUID())}::uuid[], ${keys}::text[],
      ${values.map((a) => a.storeId)}::uuid[], ${values.map((a) => a.code)}::text[]::"LedgerAccountCode"[],
      ${values.map((a) => a.asset)}::text[], ${values.map((a) => a.userId)}::uuid[])
    ORDER BY 2
    ON CONFLICT (key) DO NOTHING`;
  const inserted = await tx.$queryRaw<Array<{ id: bigint; idempotencyKey: string }>>`
    INSERT INTO "JournalEntry" ("storeId", "idempotencyKey", kind, status, asset, "paymentId", seq, "invoiceId",
      "userId", description, amount, "fiatCurrency", rate, "rateSource", "fiatValue", "createdAt")
    SELECT * FROM unnest(${entries.map((e) => e.storeId)}::uuid[], ${entries.map((e) => e.idempotencyKey)}::text[],
      ${entries.map((e) => e.kind)}::text[]::"JournalEntryKind"[],
      ${entries.map((e) => e.status)}::text[]::"PaymentStatus"[], ${entries.map((e) => e.asset)}::text[],
      ${entries.map((e) => e.paymentId)}::uuid[], ${entries.map((e) => e.seq)}::int[],
      ${entries.map((e) => e.invoiceId)}::text[], ${entries.map((e) => e.userId)}::uuid[],
      ${entries.map((e) => e.description)}::text[], ${entries.map((e) => e.amount.toString())}::numeric[],
      ${entries.map((e) => e.fiatCurrency)}::text[], ${entries.map((e) => e.rate)}::numeric[],
      ${entries.map((e) => e.rateSource)}::text[], ${entries.map((e) => e.fiatValue)}::numeric[],
      ${entries.map((e) => e.createdAt.toISOString())}::timestamptz[])
    RETURNING id, "idempotencyKey"`;
  const entryIds = new Map(inserted.map((r) => [r.idempotencyKey, r.id.toString()]));
  const found = await tx.$queryRaw<Array<{ id: string; key: string }>>`
    SELECT id, key FROM "LedgerAccount" WHERE key = ANY(${keys}::text[])`;
  const accountIds = new Map(found.map((a) => [a.key, a.id]));

  const lines = entries.flatMap((e) =>
    e.lines.map((line) => ({
      entryId: entryIds.get(e.idempotencyKey)!,
      accountId: accountIds.get(accountKey(e.storeId, e.asset, line.account))!,
      part: line.part,
      amount: line.amount.toString(),
      fiatValue: line.fiatValue,
      createdAt: e.createdAt.toISOString(),
    })),
  );
  await tx.$executeRaw`
    INSERT INTO "JournalLine" ("entryId", "accountId", part, amount, "fiatValue", "createdAt")
    SELECT * FROM unnest(${lines.map((l) => l.entryId)}::bigint[], ${lines.map((l) => l.accountId)}::uuid[],
      ${lines.map((l) => l.part)}::text[]::"LedgerPart"[], ${lines.map((l) => l.amount)}::numeric[],
      ${lines.map((l) => l.fiatValue)}::numeric[], ${lines.map((l) => l.createdAt)}::timestamptz[])`;
}
