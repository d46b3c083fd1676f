/**
 * The sentences the page shows for a state, from the strings table: shared by the server's first
 * render and the browser's updates. Returns plain text; callers escape it (the server) or set it
 * as textContent (the browser).
 */
import { amountToShow, formatUnits, pickMethod } from './checkout-model.js';
import { t } from './checkout-strings.js';

/** "0.0066 ETH": an amount in smallest units with the asset's symbol. */
export function amountText(units, method, assets) {
  return `${formatUnits(units, method.decimals)} ${symbolOf(method.asset, assets)}`;
}

/** The ticker people know (USDT for USDT_ETH), from the asset table, else the code. */
export function symbolOf(asset, assets) {
  return assets[asset]?.symbol ?? asset;
}

/** The headline of the status region. `selected` is the asset the buyer is looking at. */
export function statusMessage(invoice, view, selected, assets, locale) {
  const store = invoice.storeName;
  switch (view.state) {
    case 'detected':
      return t(locale, 'stateDetected');
    case 'confirming':
      return t(locale, 'stateConfirming', { n: view.confirmations, total: view.requiredConfirmations });
    case 'paid':
      return t(locale, 'statePaid');
    case 'overpaid':
      return t(locale, 'stateOverpaid', { store });
    case 'partial': {
      const method = pickMethod(invoice, selected);
      if (!method) return t(locale, 'stateWaiting');
      return t(locale, 'statePartial', {
        amount: formatUnits(amountToShow(method), method.decimals),
        symbol: symbolOf(method.asset, assets),
      });
    }
    case 'expired':
      return t(locale, 'stateExpired');
    case 'invalid':
      return t(locale, 'stateInvalid', { store });
    default:
      return t(locale, 'stateWaiting');
  }
}

/** A second line for exceptions the headline does not say, or '' for none. */
export function noteMessage(invoice, view, locale) {
  const store = invoice.storeName;
  if (view.late && view.state !== 'invalid') return t(locale, 'noteLate', { store });
  if (view.overpaid && (view.state === 'detected' || view.state === 'confirming'))
    return t(locale, 'noteOverpaid', { store });
  if (view.partial && view.state === 'expired') return t(locale, 'noteExpiredPartial', { store });
  return '';
}
