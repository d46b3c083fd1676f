import { randomUUID } from 'node:crypto';
import type { ChainConfig } from '../chains/chains-config.ts';
import type { ObservedCredit } from '../chains/observations.ts';
import type { PaymentRow } from '../db/upsert-payment.ts';
import { requiredConfirmations } from '../domain/confirmations-policy.ts';
import { unitsToFiat } from '../domain/decimal-units.ts';
import type { Services } from './services.ts';

/** Allowance for clocks between a node's block timestamps and ours. */
const CLOCK_SKEW_MS = 120_000;

/**
 * Decides, before the recording transaction, whom each credit belongs to (the invoice holding
 * the address, or the user whose deposit address it is) and how many confirmations it needs
 * (the asset's policy, valued at the invoice's locked rate, or at the current rate for
 * deposits; the strictest tier when no value is known). Credits to addresses Kassa does not
 * know are dropped.
 */
export async function attributeCredits(
  services: Services,
  chain: ChainConfig,
  credits: readonly ObservedCredit[],
  seen: { at: Date; blockHash: string | null; blockHeight: number | null; blockTime?: Date },
): Promise<PaymentRow[]> {
  if (credits.length === 0) return [];
  const { prisma } = services.db;
  const addresses = await prisma.address.findMany({
    where: { chain: chain.name, address: { in: [...new Set(credits.map((c) => c.address))] } },
    select: { address: true, storeId: true, state: true, invoiceId: true, userId: true, allocatedAt: true },
  });
  const byAddress = new Map(addresses.map((a) => [a.address, a]));
  const invoiceIds = [...new Set(addresses.map((a) => a.invoiceId).filter((id): id is string => !!id))];
  const methods = await prisma.paymentMethod.findMany({
    where: { invoiceId: { in: invoiceIds } },
    select: { invoiceId: true, asset: true, rate: true, invoice: { select: { currency: true } } },
  });

  const rows: PaymentRow[] = [];
  for (const credit of credits) {
    const address = byAddress.get(credit.address);
    const asset = services.chains.assets[credit.asset];
    if (!address || !asset) continue;
    let invoiceId = address.state === 'DEPOSIT' ? null : address.invoiceId;
    // An EVM address serves one invoice after another: a credit mined before this invoice took
    // the address belongs to no invoice.
    if (invoiceId && chain.family === 'evm' && seen.blockTime && address.allocatedAt) {
      if (seen.blockTime.getTime() + CLOCK_SKEW_MS < address.allocatedAt.getTime()) invoiceId = null;
    }
    const policy = asset.confirmations;
    let value: string | undefined;
    const method = methods.find((m) => m.invoiceId === invoiceId && m.asset === credit.asset);
    if (method?.rate && policy.currency && method.invoice.currency === policy.currency) {
      value = unitsToFiat(credit.amount, asset.decimals, method.rate.toFixed());
    } else if (policy.currency && policy.tiers?.length) {
      const quote = await services.rates
        .getRate({ base: asset.rateSymbol, quote: policy.currency })
        .catch(() => undefined);
      if (quote) value = unitsToFiat(credit.amount, asset.decimals, quote.rate);
    }
    rows.push({
      id: randomUUID(),
      storeId: address.storeId,
      chain: chain.name,
      txid: credit.txid,
      outputIndex: credit.outputIndex,
      asset: credit.asset,
      address: credit.address,
      amount: credit.amount,
      invoiceId,
      userId: address.state === 'DEPOSIT' ? address.userId : null,
      requiredConfirmations: requiredConfirmations(policy, {
        valueInPolicyCurrency: value,
        signalsRbf: credit.signalsRbf,
      }),
      signalsRbf: credit.signalsRbf,
      spends: credit.spends,
      // When the chain had it, not when Kassa noticed: a watcher that was down must not turn an
      // in-time payment into a late one. (A block's timestamp can lag by up to about an hour.)
      seenAt: seen.blockTime && seen.blockTime < seen.at ? seen.blockTime : seen.at,
      blockHash: seen.blockHash,
      blockHeight: seen.blockHeight,
    });
  }
  return rows;
}
