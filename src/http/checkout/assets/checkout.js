/**
 * The checkout page in the browser: keeps the server-rendered page live. Subscribes to the
 * invoice (invoiceUpdated over SSE), re-describes it with the same functions the server rendered
 * it with, ticks the countdown, switches payment methods, copies, and returns the buyer to the
 * shop once the invoice settles. No framework, no build step; the page works (with a refresh)
 * without it.
 */
import {
  amountToShow,
  CHECKOUT_SUBSCRIPTION,
  describeInvoice,
  formatCountdown,
  formatUnits,
  pickMethod,
  safeRedirectUrl,
  uriWithAmount,
} from './checkout-model.js';
import { t } from './checkout-strings.js';
import { noteMessage, statusMessage } from './checkout-text.js';
import { subscribe } from './sse-subscription.js';

const data = JSON.parse(document.getElementById('checkout-data').textContent);
const { assets, locale } = data;
// The deadline is the server's: correct for a wrong clock on the buyer's phone.
const clockOffset = data.serverNow - Date.now();
const now = () => Date.now() + clockOffset;
const $ = (id) => document.getElementById(id);

let invoice = data.invoice;
let selected = data.selected;
let lastState;
let redirectTimer;

function render() {
  const view = describeInvoice(invoice, now());
  document.querySelector('main').dataset.state = view.state;
  setText($('status'), statusMessage(invoice, view, selected, assets, locale));
  const note = noteMessage(invoice, view, locale);
  setText($('note'), note);
  $('note').hidden = !note;
  $('payment').hidden = !view.payable;
  $('timer-row').hidden = !view.payable;
  renderCountdown();
  for (const method of invoice.paymentMethods) renderMethod(method);
  if (view.settled) startRedirect();
  lastState = view.state;
}

function renderCountdown() {
  setText($('countdown'), formatCountdown(Date.parse(invoice.expiresAt) - now()));
}

/** Text is only ever set as textContent: no text from the server is parsed as HTML. */
function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

function renderMethod(method) {
  const section = $(`method-${method.asset}`);
  if (!section) return;
  section.hidden = method.asset !== selected;
  const units = amountToShow(method);
  const amount = formatUnits(units, method.decimals);
  setText(section.querySelector('[data-field="amount"]'), amount);
  section.querySelector(`[data-copy="amount-${method.asset}"]`).dataset.copyValue = amount;
  section.querySelector('[data-field="uri"]').href = uriWithAmount(method.paymentUri, units, method.decimals);
  const figure = section.querySelector('.qr');
  if (figure.dataset.amount !== units) {
    figure.dataset.amount = units;
    refreshQr(method.asset, figure).catch(() => {});
  }
}

/** After a partial payment the QR code must ask for the rest: the server draws the new one. */
async function refreshQr(asset, figure) {
  const response = await fetch(`/pay/${encodeURIComponent(invoice.id)}/qr/${asset}.svg`, {
    cache: 'no-store',
  });
  if (!response.ok) return;
  // The only markup the page ever takes from the server: a QR code Kassa drew itself, parsed as
  // SVG (not HTML), with scripts blocked by the page's policy in any case.
  const parsed = new DOMParser().parseFromString(await response.text(), 'image/svg+xml');
  const svg = parsed.documentElement;
  if (svg.nodeName !== 'svg') return;
  figure.querySelector('svg')?.replaceWith(document.importNode(svg, true));
  const method = invoice.paymentMethods.find((m) => m.asset === asset);
  figure.setAttribute(
    'aria-label',
    t(locale, 'qrLabel', {
      amount: formatUnits(amountToShow(method), method.decimals),
      symbol: assets[asset]?.symbol ?? asset,
      address: method.address,
    }),
  );
}

function startRedirect() {
  const url = safeRedirectUrl(invoice.redirectUrl);
  if (!url || redirectTimer) return;
  let seconds = data.redirectDelaySeconds;
  $('redirect').hidden = false;
  $('redirect-link').href = url;
  const tick = () => {
    setText($('redirect-text'), t(locale, 'redirecting', { store: invoice.storeName, seconds }));
    if (seconds <= 0) {
      clearInterval(redirectTimer);
      window.location.assign(url);
    }
    seconds--;
  };
  tick();
  redirectTimer = setInterval(tick, 1000);
}

function selectMethod(asset) {
  selected = asset;
  const url = new URL(window.location.href);
  url.searchParams.set('asset', asset);
  history.replaceState(null, '', url);
  render();
}

async function copy(button) {
  const value = button.dataset.copyValue;
  let ok = false;
  try {
    await navigator.clipboard.writeText(value);
    ok = true;
  } catch {
    // No clipboard API (an insecure origin): select the text for a manual copy.
    const target = $(button.dataset.copy);
    const range = document.createRange();
    range.selectNodeContents(target);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  announce(t(locale, ok ? 'copied' : 'copyFailed'));
  if (ok) {
    button.textContent = t(locale, 'copiedShort');
    setTimeout(() => {
      button.textContent = t(locale, 'copy');
    }, 2000);
  }
}

/** Says something to screen readers (a polite live region, otherwise invisible). */
function announce(text) {
  const region = $('announcer');
  region.textContent = '';
  // Cleared first so the same message is announced again.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

let warnedOneMinute = false;

document.addEventListener('change', (event) => {
  if (event.target.name === 'asset') selectMethod(event.target.value);
});
document.addEventListener('click', (event) => {
  const button = event.target.closest('button.copy');
  if (button) copy(button);
});
setInterval(() => {
  renderCountdown();
  // The countdown itself is not live (a reader would hear it every second): one warning instead.
  const left = Date.parse(invoice.expiresAt) - now();
  if (!warnedOneMinute && left <= 60_000 && left > 0 && describeInvoice(invoice, now()).payable) {
    warnedOneMinute = true;
    announce(t(locale, 'oneMinuteLeft'));
  }
  // The deadline passing is a state change even before the server says so.
  if (describeInvoice(invoice, now()).state !== lastState) render();
}, 1000);

subscribe({
  url: '/graphql',
  query: CHECKOUT_SUBSCRIPTION,
  variables: { id: invoice.id },
  onData(result) {
    invoice = result.invoiceUpdated;
    if (!pickMethod(invoice, selected)) selected = invoice.paymentMethods[0]?.asset;
    render();
  },
  onError() {
    // The invoice is gone or refused: keep showing what the server rendered.
  },
  onConnection(live) {
    $('connection').hidden = live;
    setText($('connection'), live ? '' : t(locale, 'reconnecting'));
  },
});
render();
document.documentElement.classList.add('js');
