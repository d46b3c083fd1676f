import {
  type CheckoutInvoice,
  describeInvoice,
  formatCountdown,
  formatPrice,
  pickMethod,
  safeRedirectUrl,
} from './assets/checkout-model.js';
import { t } from './assets/checkout-strings.js';
import { type AssetLabel, noteMessage, statusMessage } from './assets/checkout-text.js';
import { html, jsonForScript, type SafeHtml, trusted } from './html.ts';
import { renderPaymentMethod } from './render-payment-method.ts';

export interface CheckoutPageInput {
  invoice: CheckoutInvoice;
  assets: Record<string, AssetLabel>;
  locale: string;
  /** The asset the buyer asked for with `?asset=`, if any. */
  asset: string | undefined;
  /** QR code SVG per asset, for the amount each method shows. */
  qrSvgs: Record<string, string>;
  /** Show the development-only banner (the invoice is on the local dev chain). */
  dev: boolean;
  nowMs: number;
  /** Appended to asset URLs so a new release is fetched, not revalidated from cache. */
  assetVersion: string;
}

/** Seconds between settlement and the redirect to the shop, shown as a countdown. */
export const REDIRECT_DELAY_SECONDS = 3;

/**
 * The whole checkout page in its current state, so it shows the truth before any script runs
 * (no flash of "waiting" on a paid invoice, and usable without JavaScript through a refresh).
 */
export function renderCheckoutPage(input: CheckoutPageInput): string {
  const { invoice, assets, locale, nowMs } = input;
  const view = describeInvoice(invoice, nowMs);
  const selected = pickMethod(invoice, input.asset);
  const note = noteMessage(invoice, view, locale);
  const redirect = view.settled ? safeRedirectUrl(invoice.redirectUrl) : undefined;
  // Without JavaScript the page refreshes itself while something can still change soon.
  const live = ['waiting', 'partial', 'detected', 'confirming'].includes(view.state);
  const data = {
    invoice,
    assets,
    locale,
    serverNow: nowMs,
    selected: selected?.asset,
    redirectDelaySeconds: REDIRECT_DELAY_SECONDS,
  };
  const page = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${t(locale, 'pageTitle', { store: invoice.storeName })}</title>
<link rel="stylesheet" href="/assets/checkout/checkout.css?v=${input.assetVersion}">
<script type="module" src="/assets/checkout/checkout.js?v=${input.assetVersion}"></script>
${live ? trusted('<noscript><meta http-equiv="refresh" content="15"></noscript>') : ''}
${redirect ? html`<noscript><meta http-equiv="refresh" content="${REDIRECT_DELAY_SECONDS};url=${redirect}"></noscript>` : ''}
</head>
<body>
<main class="checkout" data-state="${view.state}">
${input.dev ? html`<p class="dev-banner" role="note">${t(locale, 'devBanner')}</p>` : ''}
<header class="summary">
  <p class="store">${invoice.storeName}</p>
  <h1 class="price"><span class="sr-only">${t(locale, 'price')}: </span>${formatPrice(invoice.price, invoice.currency)}</h1>
  ${invoice.description ? html`<p class="description">${invoice.description}</p>` : ''}
</header>
<section class="status-box" aria-labelledby="status">
  <p id="status" class="status" role="status" aria-live="polite" aria-atomic="true">${statusMessage(invoice, view, selected?.asset, assets, locale)}</p>
  <p id="note" class="note"${note ? '' : trusted(' hidden')}>${note}</p>
  <p class="timer" id="timer-row"${view.payable ? '' : trusted(' hidden')}>${t(locale, 'timeLeft')}: <span id="countdown" role="timer" aria-live="off">${formatCountdown(Date.parse(invoice.expiresAt) - nowMs)}</span></p>
  ${renderRedirect(redirect, invoice.storeName, locale)}
</section>
<div class="payment" id="payment"${view.payable ? '' : trusted(' hidden')}>
${renderMethodChoice(invoice, selected?.asset, assets, locale)}
${invoice.paymentMethods.map((method) =>
  renderPaymentMethod({
    method,
    assets,
    locale,
    selected: method.asset === selected?.asset,
    qrSvg: input.qrSvgs[method.asset] ?? '',
  }),
)}
</div>
<p id="announcer" class="sr-only" aria-live="polite"></p>
<p id="connection" class="connection" aria-live="polite" hidden></p>
<footer class="footer"><p>${t(locale, 'invoiceId', { id: invoice.id })}</p></footer>
</main>
<script type="application/json" id="checkout-data">${jsonForScript(data)}</script>
</body>
</html>
`;
  return page.html;
}

function renderMethodChoice(
  invoice: CheckoutInvoice,
  selected: string | undefined,
  assets: Record<string, AssetLabel>,
  locale: string,
): SafeHtml | '' {
  if (invoice.paymentMethods.length < 2) return '';
  // A GET form: without JavaScript, choosing and pressing Show reloads with ?asset=.
  return html`<form class="choice" method="get" action="/pay/${invoice.id}">
  <fieldset>
    <legend>${t(locale, 'payWith')}</legend>
    <div class="options">
    ${invoice.paymentMethods.map(
      (m) =>
        html`<label class="option"><input type="radio" name="asset" value="${m.asset}"${m.asset === selected ? trusted(' checked') : ''}> <span>${assets[m.asset]?.name ?? m.asset}</span></label>`,
    )}
    </div>
  </fieldset>
  <noscript><button type="submit">${t(locale, 'show')}</button></noscript>
</form>`;
}

function renderRedirect(url: string | undefined, store: string, locale: string): SafeHtml {
  return html`<p class="redirect" id="redirect"${url ? '' : trusted(' hidden')}><span id="redirect-text">${t(locale, 'redirecting', { store, seconds: REDIRECT_DELAY_SECONDS })}</span> <a id="redirect-link" href="${url ?? ''}">${t(locale, 'returnNow', { store })}</a></p>`;
}
