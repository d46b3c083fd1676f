import type { Services } from '../app/services.ts';
import { formatUnits } from '../domain/decimal-units.ts';
import { balancedFiatValues, fiatValueScaled, formatFiat, trimDecimal } from '../domain/ledger-valuation.ts';
import type { JournalEntryKind, PlannedEntry } from '../domain/posting-rules.ts';
import type { LedgerFacts, LedgerPaymentFacts } from './load-ledger-facts.ts';
import type { JournalEntryRow } from './write-journal.ts';

/** How long posting waits for a rate it does not have cached: the caller's transaction is open. */
const RATE_WAIT_MS = 1_500;

type Valuation = { rate: string; source: string | null } | null;

/**
 * Turns planned entries into rows: numbered per payment, valued in the store's currency, and
 * described. The rate of a payment is chosen once and kept by all its entries, so each
 * payment's fiat values net to zero just as its amounts do: the invoice's locked rate when the
 * invoice is priced in the store's currency, else the rate its first entry used, else the rate
 * service's current rate (best effort: no rate, no fiat value, and the posting still happens).
 */
export async function valueEntries(
  services: Services,
  facts: LedgerFacts,
  planned: readonly PlannedEntry[],
  now: Date,
): Promise<JournalEntryRow[]> {
  const byId = new Map(facts.payments.map((p) => [p.id, p]));
  const seqs = new Map<string, number>();
  const valuations = new Map<string, Valuation>();
  const quotes = new Map<string, Promise<Valuation>>();
  const rows: JournalEntryRow[] = [];
  for (const entry of planned) {
    const payment = byId.get(entry.paymentId)!;
    const posted = facts.posted.get(payment.id);
    const seq = (seqs.get(payment.id) ?? posted?.seq ?? 0) + 1;
    seqs.set(payment.id, seq);
    const currency = facts.currencies.get(payment.storeId) ?? 'EUR';
    let valuation = valuations.get(payment.id);
    if (valuation === undefined) {
      valuation = lockedRate(facts, payment, currency) ?? posted?.rate ?? null;
      if (valuation === null) valuation = await currentRate(services, quotes, payment.asset, currency);
      valuations.set(payment.id, valuation);
    }
    const decimals = services.chains.assets[payment.asset]?.decimals;
    const valued = valuation !== null && decimals !== undefined ? valuation : null;
    const fiat = valued
      ? balancedFiatValues(
          entry.postings.map((p) => p.amount),
          decimals!,
          valued.rate,
        )
      : null;
    const invoice = payment.invoiceId ? facts.invoices.get(payment.invoiceId) : undefined;
    rows.push({
      storeId: payment.storeId,
      idempotencyKey: `payment:${payment.id}:${seq}`,
      kind: entry.kind,
      status: entry.status,
      asset: payment.asset,
      paymentId: payment.id,
      seq,
      invoiceId: payment.invoiceId,
      userId: payment.userId ?? invoice?.userId ?? null,
      description: describe(entry.kind, payment, decimals),
      amount: payment.amount,
      fiatCurrency: currency,
      rate: valued?.rate ?? null,
      rateSource: valued?.source ?? null,
      fiatValue: valued ? formatFiat(fiatValueScaled(payment.amount, decimals!, valued.rate)) : null,
      createdAt: now,
      lines: entry.postings.map((p, i) => ({ ...p, fiatValue: fiat ? formatFiat(fiat[i]) : null })),
    });
  }
  return rows;
}

function lockedRate(facts: LedgerFacts, payment: LedgerPaymentFacts, currency: string): Valuation {
  const invoice = payment.invoiceId ? facts.invoices.get(payment.invoiceId) : undefined;
  if (!invoice || invoice.currency !== currency) return null;
  const locked = invoice.rates.get(payment.asset);
  return locked ? { rate: trimDecimal(locked.rate), source: `invoice:${locked.source ?? 'locked'}` } : null;
}

async function currentRate(
  services: Services,
  quotes: Map<string, Promise<Valuation>>,
  asset: string,
  currency: string,
): Promise<Valuation> {
  const symbol = services.chains.assets[asset]?.rateSymbol;
  if (!symbol) return null;
  const key = `${symbol}/${currency}`;
  let quote = quotes.get(key);
  if (!quote) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), RATE_WAIT_MS);
      timer.unref();
    });
    quote = Promise.race([
      services.rates
        .getRate({ base: symbol, quote: currency })
        .then((q): Valuation => ({ rate: trimDecimal(q.rate), source: q.source }))
        .catch(() => null),
      timeout,
    ]).finally(() => clearTimeout(timer));
    quotes.set(key, quote);
  }
  return quote;
}

const EVENT_TEXT: Record<JournalEntryKind, string> = {
  PAYMENT_DETECTED: 'Payment detected',
  PAYMENT_CONFIRMED: 'Payment confirmed',
  PAYMENT_UNCONFIRMED: 'Payment unconfirmed by a reorg',
  PAYMENT_REVERSED: 'Payment reversed',
  DEPOSIT_DETECTED: 'Deposit detected',
  DEPOSIT_CONFIRMED: 'Deposit confirmed',
  DEPOSIT_UNCONFIRMED: 'Deposit unconfirmed by a reorg',
  DEPOSIT_REVERSED: 'Deposit reversed',
  INVOICE_SETTLED: 'Invoice settled: receipt recognised',
  INVOICE_UNSETTLED: 'Invoice no longer settled: receipt held again',
};

function describe(kind: JournalEntryKind, p: LedgerPaymentFacts, decimals: number | undefined): string {
  const amount = decimals === undefined ? `${p.amount} smallest units of` : formatUnits(p.amount, decimals);
  const where = p.invoiceId ? ` for invoice ${p.invoiceId}` : '';
  return `${EVENT_TEXT[kind]}: ${amount} ${p.asset} in ${p.chain} tx ${p.txid}:${p.outputIndex}${where}`;
}
