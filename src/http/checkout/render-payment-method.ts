import {
  amountToShow,
  type CheckoutPaymentMethod,
  formatUnits,
  uriWithAmount,
} from './assets/checkout-model.js';
import { t } from './assets/checkout-strings.js';
import { type AssetLabel, symbolOf } from './assets/checkout-text.js';
import { html, type SafeHtml, trusted } from './html.ts';

/**
 * One payment method: its QR code, the amount and the address with copy buttons, a wallet link.
 * Every method is rendered; the ones not chosen are `hidden`, so switching needs no request.
 */
export function renderPaymentMethod(input: {
  method: CheckoutPaymentMethod;
  assets: Record<string, AssetLabel>;
  locale: string;
  selected: boolean;
  qrSvg: string;
}): SafeHtml {
  const { method, assets, locale } = input;
  const units = amountToShow(method);
  const amount = formatUnits(units, method.decimals);
  const symbol = symbolOf(method.asset, assets);
  const id = method.asset;
  return html`<section class="method" id="method-${id}" data-asset="${id}" aria-label="${assets[id]?.name ?? id}"${input.selected ? '' : trusted(' hidden')}>
  <figure class="qr" data-amount="${units}" role="img" aria-label="${t(locale, 'qrLabel', { amount, symbol, address: method.address })}">
    ${trusted(input.qrSvg)}
  </figure>
  <p class="hint">${t(locale, 'scanHint')}</p>
  <dl class="facts">
    <div class="fact">
      <dt id="amount-label-${id}">${t(locale, 'amount')}</dt>
      <dd>
        <span class="value amount" id="amount-${id}"><span data-field="amount">${amount}</span> <span class="symbol">${symbol}</span></span>
        <button type="button" class="copy" data-copy="amount-${id}" data-copy-value="${amount}" aria-label="${t(locale, 'copyAmount')}">${t(locale, 'copy')}</button>
      </dd>
    </div>
    <div class="fact">
      <dt id="address-label-${id}">${t(locale, 'address')}</dt>
      <dd>
        <code class="value address" id="address-${id}">${method.address}</code>
        <button type="button" class="copy" data-copy="address-${id}" data-copy-value="${method.address}" aria-label="${t(locale, 'copyAddress')}">${t(locale, 'copy')}</button>
      </dd>
    </div>
    <div class="fact">
      <dt>${t(locale, 'network')}</dt>
      <dd class="value">${method.chain}</dd>
    </div>
  </dl>
  <p><a class="wallet-link" data-field="uri" href="${uriWithAmount(method.paymentUri, units, method.decimals)}">${t(locale, 'openWallet')}</a></p>
</section>`;
}
