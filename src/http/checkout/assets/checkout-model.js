/**
 * What the checkout page shows for an invoice, as pure functions shared by the server (first
 * render, no flash) and the browser (live updates), so the two can never disagree. Plain
 * JavaScript with no imports beyond its sibling: browsers load it as it is (no build step);
 * types for the server are in checkout-model.d.ts.
 */

/** The public fields the page reads: the same selection for the first render and for updates. */
export const CHECKOUT_FIELDS = `id status exceptionStatus price currency description storeName redirectUrl expiresAt
  paymentMethods { asset chain address decimals amountDue amountPaid amountRemaining paymentUri }
  payments { asset amount status confirmations requiredConfirmations }`;

export const CHECKOUT_QUERY = `query CheckoutInvoice($id: ID!) { invoice(id: $id) { ${CHECKOUT_FIELDS} } }`;
export const CHECKOUT_SUBSCRIPTION = `subscription CheckoutInvoice($id: ID!) { invoiceUpdated(id: $id) { ${CHECKOUT_FIELDS} } }`;

/**
 * The page's state: waiting, detected (in the mempool), confirming (n of N), paid, partial
 * (send the rest), overpaid, expired, invalid. `payable`: the address, amount, QR code and
 * countdown are shown (only while the invoice can still be paid in time).
 */
export function describeInvoice(invoice, nowMs) {
  const counted = invoice.payments.filter((p) => p.status !== 'REVERSED');
  const view = {
    state: 'waiting',
    payable: false,
    settled: false,
    late: invoice.exceptionStatus === 'PAID_LATE',
    overpaid: invoice.exceptionStatus === 'PAID_OVER',
    partial: invoice.exceptionStatus === 'PAID_PARTIAL',
    confirmations: 0,
    requiredConfirmations: 0,
  };
  switch (invoice.status) {
    case 'INVALID':
      view.state = 'invalid';
      return view;
    case 'EXPIRED':
      view.state = 'expired';
      return view;
    case 'SETTLED':
      view.state = view.overpaid ? 'overpaid' : 'paid';
      view.settled = true;
      return view;
    case 'PROCESSING': {
      const pending = counted.filter((p) => p.status === 'PENDING');
      if (pending.some((p) => p.confirmations === 0)) {
        view.state = 'detected';
        return view;
      }
      // The payment furthest from done decides what the buyer waits for.
      const slowest = pending.reduce(
        (a, p) =>
          !a || p.requiredConfirmations - p.confirmations > a.requiredConfirmations - a.confirmations ? p : a,
        undefined,
      );
      view.state = 'confirming';
      view.confirmations = slowest ? slowest.confirmations : 1;
      view.requiredConfirmations = slowest ? slowest.requiredConfirmations : 1;
      return view;
    }
    default:
      // NEW: the deadline job may run a moment late; the page stops offering the address on time.
      if (Date.parse(invoice.expiresAt) <= nowMs) {
        view.state = 'expired';
        return view;
      }
      view.state = view.partial ? 'partial' : 'waiting';
      view.payable = true;
      return view;
  }
}

/** Smallest units (a decimal string or bigint) as a plain decimal string: 1500000 with 6 → "1.5". */
export function formatUnits(units, decimals) {
  const value = BigInt(units);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '');
}

/**
 * The payment URI asking for `units` instead of the full amount due (after a partial payment the
 * QR code must ask for the rest only): EIP-681 `value=` or `uint256=` in smallest units, BIP21
 * `amount=` in whole coins. Anything else is returned as it is.
 */
export function uriWithAmount(uri, units, decimals) {
  const query = uri.indexOf('?');
  if (query === -1) return uri;
  const params = uri
    .slice(query + 1)
    .split('&')
    .map((param) => {
      const [key] = param.split('=', 1);
      if (uri.startsWith('ethereum:') && (key === 'value' || key === 'uint256'))
        return `${key}=${BigInt(units)}`;
      if (!uri.startsWith('ethereum:') && key === 'amount') return `amount=${formatUnits(units, decimals)}`;
      return param;
    });
  return `${uri.slice(0, query)}?${params.join('&')}`;
}

/** The method a buyer asked for (`?asset=`, any case) or else the first one. */
export function pickMethod(invoice, asset) {
  const wanted = typeof asset === 'string' ? asset.toUpperCase() : undefined;
  return invoice.paymentMethods.find((m) => m.asset === wanted) ?? invoice.paymentMethods[0];
}

/** What remains due in a method, as the page shows it and its QR code asks for it. */
export function amountToShow(method) {
  return BigInt(method.amountRemaining) > 0n ? method.amountRemaining : method.amountDue;
}

/**
 * A price as the merchant set it, padded (never rounded) to its currency's usual decimals:
 * "24.5" EUR → "24.50 EUR", "1000" JPY stays "1000 JPY". A code Intl does not know as a
 * currency (an asset such as USDT_ETH) is shown as it is.
 */
export function formatPrice(price, currency) {
  let digits = 0;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .minimumFractionDigits;
  } catch {
    digits = 0;
  }
  const [whole, fraction = ''] = String(price).split('.');
  const padded = fraction.padEnd(digits, '0');
  return `${whole}${padded ? `.${padded}` : ''} ${currency}`;
}

/** Time left as m:ss or h:mm:ss (never negative). */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Only http(s) URLs are followed: a stored `javascript:` URL must never run on this origin. */
export function safeRedirectUrl(url) {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
