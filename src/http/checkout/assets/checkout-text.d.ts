/** Types of checkout-text.js for the server (the browser loads the JavaScript as it is). */
import type { CheckoutInvoice, CheckoutPaymentMethod, CheckoutView } from './checkout-model.js';

export interface AssetLabel {
  name: string;
  symbol: string;
}

export function amountText(
  units: string | bigint,
  method: CheckoutPaymentMethod,
  assets: Record<string, AssetLabel>,
): string;
export function symbolOf(asset: string, assets: Record<string, AssetLabel>): string;
export function statusMessage(
  invoice: CheckoutInvoice,
  view: CheckoutView,
  selected: string | undefined,
  assets: Record<string, AssetLabel>,
  locale: string,
): string;
export function noteMessage(invoice: CheckoutInvoice, view: CheckoutView, locale: string): string;
