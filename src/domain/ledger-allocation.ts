/**
 * How a settled invoice's confirmed receipts split between SALES (up to the price) and
 * OVERPAYMENTS (the rest). Payments fill the invoice in the order they were seen; an asset's
 * share of the invoice is amount ÷ amountDue of that asset, as in the invoice lifecycle, but
 * kept as an exact fraction here so that splitting never loses or invents a smallest unit.
 */

export interface AllocationInvoice {
  monitoringEndsAt: Date;
  methods: ReadonlyArray<{ asset: string; amountDue: bigint }>;
}

export interface AllocationPayment {
  id: string;
  asset: string;
  amount: bigint;
  seenAt: Date;
}

export interface Allocation {
  sales: bigint;
  overpaid: bigint;
}

/**
 * Splits each confirmed payment of a settled invoice into sales and overpaid parts
 * (sales + overpaid = amount). Payments the invoice does not count (seen after its monitoring
 * window, or in an asset it does not offer) are overpaid in full. A payment that crosses the
 * price is split: sales = ⌈remaining share × amountDue⌉, so the merchant's revenue is never
 * short by a rounding unit. An invoice settled within its payment tolerance has no overpayment.
 *
 * @example
 * allocateSettledInvoice({ monitoringEndsAt, methods: [{ asset: 'BTC', amountDue: 100n }] },
 *   [{ id: 'a', asset: 'BTC', amount: 60n, seenAt: t1 }, { id: 'b', asset: 'BTC', amount: 60n, seenAt: t2 }]);
 * // Map { 'a' => { sales: 60n, overpaid: 0n }, 'b' => { sales: 40n, overpaid: 20n } }
 */
export function allocateSettledInvoice(
  invoice: AllocationInvoice,
  confirmed: readonly AllocationPayment[],
): Map<string, Allocation> {
  const due = new Map(invoice.methods.map((m) => [m.asset, m.amountDue]));
  const ordered = [...confirmed].sort(
    (a, b) => a.seenAt.getTime() - b.seenAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  // The share of the invoice still unpaid, as the exact fraction num/den.
  let num = 1n;
  let den = 1n;
  const result = new Map<string, Allocation>();
  for (const p of ordered) {
    const amountDue = due.get(p.asset);
    const counted = amountDue !== undefined && amountDue > 0n && p.seenAt < invoice.monitoringEndsAt;
    if (!counted || num === 0n || p.amount <= 0n) {
      result.set(p.id, { sales: 0n, overpaid: p.amount > 0n ? p.amount : 0n });
      continue;
    }
    // p.amount/amountDue ≤ num/den ⇔ p.amount·den ≤ num·amountDue
    if (p.amount * den <= num * amountDue) {
      result.set(p.id, { sales: p.amount, overpaid: 0n });
      const nextNum = num * amountDue - p.amount * den;
      const nextDen = den * amountDue;
      const g = gcd(nextNum, nextDen);
      num = nextNum / g;
      den = nextDen / g;
    } else {
      const sales = (num * amountDue + den - 1n) / den;
      result.set(p.id, { sales, overpaid: p.amount - sales });
      num = 0n;
      den = 1n;
    }
  }
  return result;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}
