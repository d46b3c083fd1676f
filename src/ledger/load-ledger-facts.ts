import type { Tx } from '../db/client.ts';
import type { AccountRef, LedgerAccountCode, LedgerPart } from '../domain/ledger-accounts.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { LedgerInvoice, LedgerPayment, Posting } from '../domain/posting-rules.ts';

/** A payment as the ledger needs it: the posting facts plus what entries describe. */
export interface LedgerPaymentFacts extends LedgerPayment {
  storeId: string;
  chain: string;
  txid: string;
  outputIndex: number;
}

export interface LedgerInvoiceFacts extends LedgerInvoice {
  storeId: string;
  currency: string;
  userId: string | null;
  /** Locked rates per asset (invoice currency per whole asset). */
  rates: Map<string, { rate: string; source: string | null }>;
}

/** What the journal already holds for one payment. */
export interface PostedPayment {
  postings: Posting[];
  /** Entries so far (the next one is seq + 1). */
  seq: number;
  /** The rate its earliest valued entry used: later entries keep it, so its fiat nets to zero. */
  rate: { rate: string; source: string | null } | null;
}

export interface LedgerFacts {
  payments: LedgerPaymentFacts[];
  invoices: Map<string, LedgerInvoiceFacts>;
  posted: Map<string, PostedPayment>;
  /** Store id → its currency. */
  currencies: Map<string, string>;
}

interface PaymentRow {
  id: string;
  storeId: string;
  chain: string;
  txid: string;
  outputIndex: number;
  asset: string;
  amount: string;
  status: PaymentStatus;
  invoiceId: string | null;
  userId: string | null;
  seenAt: Date;
}

const toPayment = (r: PaymentRow): LedgerPaymentFacts => ({ ...r, amount: BigInt(r.amount) });

/**
 * Locks and reads everything posting needs. Who may write a payment's journal: whoever holds
 * its invoice's row lock (invoice payments) or its own row lock (deposits, unattributed). Both
 * are taken here, in the order the rest of Kassa takes them (payments, then invoices), so two
 * writers of one journal run one after the other and the second reads what the first posted.
 * An invoice's other payments are read without locking: a transaction changing one of them
 * posts again once it gets the invoice lock, after this one committed.
 */
export async function loadLedgerFacts(
  tx: Tx,
  scope: { paymentIds: readonly string[]; invoiceIds: readonly string[] },
): Promise<LedgerFacts> {
  const named =
    scope.paymentIds.length === 0
      ? []
      : await tx.$queryRaw<PaymentRow[]>`
        SELECT id, "storeId", chain, txid, "outputIndex", asset, amount::text AS amount, status::text AS status,
          "invoiceId", "userId", "seenAt"
        FROM "Payment" WHERE id = ANY(${[...scope.paymentIds]}::uuid[]) ORDER BY id FOR UPDATE`;
  const invoiceIds = [
    ...new Set([...scope.invoiceIds, ...named.flatMap((p) => (p.invoiceId ? [p.invoiceId] : []))]),
  ].sort();
  const payments = named.filter((p) => p.invoiceId === null).map(toPayment);
  const invoices = new Map<string, LedgerInvoiceFacts>();
  if (invoiceIds.length > 0) {
    await tx.$queryRaw`SELECT id FROM "Invoice" WHERE id = ANY(${invoiceIds}::text[]) ORDER BY id FOR UPDATE`;
    const siblings = await tx.$queryRaw<PaymentRow[]>`
      SELECT id, "storeId", chain, txid, "outputIndex", asset, amount::text AS amount, status::text AS status,
        "invoiceId", "userId", "seenAt"
      FROM "Payment" WHERE "invoiceId" = ANY(${invoiceIds}::text[])`;
    payments.push(...siblings.map(toPayment));
    for (const invoice of await loadInvoices(tx, invoiceIds)) invoices.set(invoice.id, invoice);
  }
  const storeIds = [...new Set([...payments.map((p) => p.storeId)])];
  const stores =
    storeIds.length === 0
      ? []
      : await tx.$queryRaw<Array<{ id: string; defaultCurrency: string }>>`
        SELECT id, "defaultCurrency" FROM "Store" WHERE id = ANY(${storeIds}::uuid[])`;
  return {
    payments,
    invoices,
    posted: await loadPosted(
      tx,
      payments.map((p) => p.id),
    ),
    currencies: new Map(stores.map((s) => [s.id, s.defaultCurrency])),
  };
}

async function loadInvoices(tx: Tx, ids: string[]): Promise<LedgerInvoiceFacts[]> {
  const rows = await tx.$queryRaw<
    Array<{
      id: string;
      storeId: string;
      status: string;
      currency: string;
      userId: string | null;
      monitoringEndsAt: Date;
      methods: Array<{ asset: string; amountDue: string; rate: string | null; rateSource: string | null }>;
    }>
  >`
    SELECT i.id, i."storeId", i.status::text AS status, i.currency, i."userId", i."monitoringEndsAt",
      COALESCE(json_agg(json_build_object('asset', m.asset, 'amountDue', m."amountDue"::text,
        'rate', m.rate::text, 'rateSource', m."rateSource")) FILTER (WHERE m.id IS NOT NULL), '[]') AS methods
    FROM "Invoice" i LEFT JOIN "PaymentMethod" m ON m."invoiceId" = i.id
    WHERE i.id = ANY(${ids}::text[])
    GROUP BY i.id`;
  return rows.map((r) => ({
    id: r.id,
    storeId: r.storeId,
    settled: r.status === 'SETTLED',
    currency: r.currency,
    userId: r.userId,
    monitoringEndsAt: r.monitoringEndsAt,
    methods: r.methods.map((m) => ({ asset: m.asset, amountDue: BigInt(m.amountDue) })),
    rates: new Map(
      r.methods.flatMap((m) =>
        // ::text of a numeric keeps its scale ("60000.000000000000000000"); that is still exact.
        m.rate === null ? [] : [[m.asset, { rate: m.rate, source: m.rateSource }] as const],
      ),
    ),
  }));
}

async function loadPosted(tx: Tx, paymentIds: string[]): Promise<Map<string, PostedPayment>> {
  const posted = new Map<string, PostedPayment>();
  if (paymentIds.length === 0) return posted;
  const rows = await tx.$queryRaw<
    Array<{
      paymentId: string;
      seq: number;
      rate: string | null;
      rateSource: string | null;
      code: LedgerAccountCode;
      userId: string | null;
      part: LedgerPart;
      amount: string;
    }>
  >`
    SELECT e."paymentId", e.seq, e.rate::text AS rate, e."rateSource", a.code::text AS code, a."userId",
      l.part::text AS part, l.amount::text AS amount
    FROM "JournalEntry" e
    JOIN "JournalLine" l ON l."entryId" = e.id
    JOIN "LedgerAccount" a ON a.id = l."accountId"
    WHERE e."paymentId" = ANY(${paymentIds}::uuid[])
    ORDER BY e."paymentId", e.seq`;
  for (const r of rows) {
    let p = posted.get(r.paymentId);
    if (!p) {
      p = { postings: [], seq: 0, rate: null };
      posted.set(r.paymentId, p);
    }
    p.seq = Math.max(p.seq, r.seq);
    if (p.rate === null && r.rate !== null) p.rate = { rate: r.rate, source: r.rateSource };
    const account: AccountRef = { code: r.code, userId: r.userId };
    p.postings.push({ account, part: r.part, amount: BigInt(r.amount) });
  }
  return posted;
}
