/** Types of checkout-model.js for the server (the browser loads the JavaScript as it is). */

export interface CheckoutPaymentMethod {
  asset: string;
  chain: string;
  address: string;
  decimals: number;
  /** BigInt scalars arrive as decimal strings. */
  amountDue: string;
  amountPaid: string;
  amountRemaining: string;
  paymentUri: string;
}

export interface CheckoutPayment {
  asset: string;
  amount: string;
  status: string;
  confirmations: number;
  requiredConfirmations: number;
}

/** The public checkout view of an invoice, as GraphQL serializes it. */
export interface CheckoutInvoice {
  id: string;
  status: 'NEW' | 'PROCESSING' | 'SETTLED' | 'EXPIRED' | 'INVALID';
  exceptionStatus: 'NONE' | 'PAID_PARTIAL' | 'PAID_OVER' | 'PAID_LATE' | 'MARKED';
  price: string;
  currency: string;
  description: string | null;
  storeName: string;
  redirectUrl: string | null;
  expiresAt: string;
  paymentMethods: CheckoutPaymentMethod[];
  payments: CheckoutPayment[];
}

export type CheckoutState =
  | 'waiting'
  | 'detected'
  | 'confirming'
  | 'paid'
  | 'partial'
  | 'overpaid'
  | 'expired'
  | 'invalid';

export interface CheckoutView {
  state: CheckoutState;
  payable: boolean;
  settled: boolean;
  late: boolean;
  overpaid: boolean;
  partial: boolean;
  confirmations: number;
  requiredConfirmations: number;
}

export const CHECKOUT_FIELDS: string;
export const CHECKOUT_QUERY: string;
export const CHECKOUT_SUBSCRIPTION: string;
export function describeInvoice(invoice: CheckoutInvoice, nowMs: number): CheckoutView;
export function formatUnits(units: string | bigint, decimals: number): string;
export function uriWithAmount(uri: string, units: string | bigint, decimals: number): string;
export function pickMethod(
  invoice: CheckoutInvoice,
  asset: string | null | undefined,
): CheckoutPaymentMethod | undefined;
export function amountToShow(method: CheckoutPaymentMethod): string;
export function formatPrice(price: string, currency: string): string;
export function formatCountdown(ms: number): string;
export function safeRedirectUrl(url: string | null | undefined): string | undefined;
