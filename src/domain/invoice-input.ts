import { createHash } from 'node:crypto';
import { ValidationError } from './errors.ts';
import { validateStoreSettings } from './store-settings.ts';
import { validateMetadata } from './user-input.ts';

export interface CreateInvoiceInput {
  price: string;
  currency?: string | null;
  assets?: readonly string[] | null;
  orderId?: string | null;
  description?: string | null;
  metadata?: unknown;
  userId?: string | null;
  redirectUrl?: string | null;
  notificationUrl?: string | null;
  expirationMinutes?: number | null;
  monitoringMinutes?: number | null;
  paymentTolerancePercent?: string | null;
}

export interface NormalizedInvoiceInput {
  price: string;
  currency: string;
  assets: string[] | null;
  orderId: string | null;
  description: string | null;
  metadata: unknown;
  userId: string | null;
  redirectUrl: string | null;
  notificationUrl: string | null;
  expirationMinutes: number;
  monitoringMinutes: number;
  paymentTolerancePercent: string;
}

const ORDER_ID = /^[\x20-\x7e]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function httpUrl(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ValidationError(field, 'is not a valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ValidationError(field, 'must be http or https');
  if (value.length > 2000) throw new ValidationError(field, 'must be at most 2000 characters');
  return value;
}

/** Strips insignificant zeros so "10.50" and "10.5" are the same price (and the same request). */
export function normalizeDecimal(value: string): string {
  if (!value.includes('.')) return value.replace(/^(-?)0+(?=\d)/, '$1');
  const trimmed = value.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed.replace(/^(-?)0+(?=\d)/, '$1');
}

/**
 * Checks everything about a create request that needs no database, and fills store defaults.
 * Amount checks that depend on the currency's decimals happen in create-invoice.
 */
export function normalizeInvoiceInput(
  input: CreateInvoiceInput,
  defaults: {
    currency: string;
    expirationMinutes: number;
    monitoringMinutes: number;
    paymentTolerancePercent: string;
  },
): NormalizedInvoiceInput {
  if (!/^\d+(\.\d+)?$/.test(input.price))
    throw new ValidationError('price', 'must be a positive decimal number');
  const price = normalizeDecimal(input.price);
  if (/^0(\.0*)?$/.test(price)) throw new ValidationError('price', 'must be greater than zero');
  const currency = (input.currency ?? defaults.currency).toUpperCase();
  if (!/^[A-Z][A-Z0-9_]{1,19}$/.test(currency))
    throw new ValidationError('currency', 'is not a currency or asset code');
  if (input.orderId != null && !ORDER_ID.test(input.orderId))
    throw new ValidationError('orderId', 'must be 1 to 100 printable ASCII characters');
  if (input.description != null && input.description.length > 1000)
    throw new ValidationError('description', 'must be at most 1000 characters');
  if (input.userId != null && !UUID.test(input.userId))
    throw new ValidationError('userId', 'is not a user id');
  if (input.assets != null && input.assets.length === 0)
    throw new ValidationError('assets', 'name at least one asset');
  const settings = validateStoreSettings({
    expirationMinutes: input.expirationMinutes,
    monitoringMinutes: input.monitoringMinutes,
    paymentTolerancePercent: input.paymentTolerancePercent,
  });
  return {
    price,
    currency,
    assets: input.assets ? [...new Set(input.assets.map((a) => a.toUpperCase()))].sort() : null,
    orderId: input.orderId ?? null,
    description: input.description ?? null,
    metadata: validateMetadata(input.metadata) ?? null,
    userId: input.userId ?? null,
    redirectUrl: httpUrl(input.redirectUrl, 'redirectUrl'),
    notificationUrl: httpUrl(input.notificationUrl, 'notificationUrl'),
    expirationMinutes: settings.expirationMinutes ?? defaults.expirationMinutes,
    monitoringMinutes: settings.monitoringMinutes ?? defaults.monitoringMinutes,
    paymentTolerancePercent: normalizeDecimal(
      settings.paymentTolerancePercent ?? defaults.paymentTolerancePercent,
    ),
  };
}

/** A fingerprint of the request: a repeated create with the same orderId must send the same content. */
export function invoiceRequestHash(input: NormalizedInvoiceInput): string {
  return createHash('sha256').update(stableStringify(input)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
