/**
 * Every text of the checkout page, per language, in one table: translating the page is adding a
 * column here. `{name}` marks a value filled in at run time (always escaped by the caller).
 * Shared by the server's first render and the browser's updates.
 */
export const STRINGS = {
  en: {
    pageTitle: 'Pay {store}',
    notFoundTitle: 'Invoice not found',
    notFoundText:
      'There is no invoice at this address. Check the link you were given, or ask the shop for a new one.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Please wait a moment, then reload this page.',
    errorTitle: 'Something went wrong',
    errorText: 'The payment page cannot be shown right now. Please reload it in a moment.',
    devBanner:
      'Development only: this invoice is paid on a local test chain with test coins, and the wallet behind it comes from a published test mnemonic. Nothing here is real money.',
    price: 'Price',
    payWith: 'Pay with',
    show: 'Show',
    amount: 'Amount due',
    address: 'Address',
    network: 'Network',
    copy: 'Copy',
    copyAmount: 'Copy amount',
    copyAddress: 'Copy address',
    copied: 'Copied to the clipboard',
    copiedShort: 'Copied',
    copyFailed: 'Could not copy: select the text and copy it yourself',
    qrLabel: 'QR code asking for {amount} {symbol} to {address}',
    scanHint: 'Scan with your wallet app, or copy the amount and address.',
    openWallet: 'Open in a wallet app',
    timeLeft: 'Time left',
    oneMinuteLeft: 'One minute left to pay this invoice.',
    stateWaiting: 'Waiting for your payment',
    stateDetected: 'Payment detected: waiting for the first confirmation',
    stateConfirming: 'Payment received: confirming ({n} of {total})',
    statePaid: 'Paid. Thank you!',
    statePartial: 'Paid partially: send the remaining {amount} {symbol}',
    stateOverpaid: 'Paid, with more than was due. Contact {store} about the difference.',
    stateExpired: 'This invoice has expired. Do not send a payment to it.',
    stateInvalid: 'This invoice is invalid: a payment was reversed or refused. Contact {store}.',
    noteLate: 'Paid after the deadline: {store} decides whether to accept it.',
    noteOverpaid: 'You paid more than was due: contact {store} about the difference.',
    noteExpiredPartial: 'It was paid only in part: contact {store} about the amount you sent.',
    redirecting: 'Returning to {store} in {seconds} s…',
    returnNow: 'Return to {store} now',
    reconnecting: 'Live updates interrupted: reconnecting…',
    invoiceId: 'Invoice {id}',
  },
};

export const DEFAULT_LOCALE = 'en';

/** The first language of an Accept-Language header that the table has, else English. */
export function pickLocale(acceptLanguage) {
  for (const part of String(acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    const base = tag.split('-')[0];
    if (Object.hasOwn(STRINGS, tag)) return tag;
    if (Object.hasOwn(STRINGS, base)) return base;
  }
  return DEFAULT_LOCALE;
}

/** The text for `key` with `{name}` filled in from `values` (not escaped: escape where it goes). */
export function t(locale, key, values = {}) {
  const table = STRINGS[locale] ?? STRINGS[DEFAULT_LOCALE];
  const text = table[key] ?? STRINGS[DEFAULT_LOCALE][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
