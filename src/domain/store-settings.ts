import { ValidationError } from './errors.ts';

export interface StoreSettingsInput {
  name?: string | null;
  defaultCurrency?: string | null;
  expirationMinutes?: number | null;
  monitoringMinutes?: number | null;
  paymentTolerancePercent?: string | null;
}

export interface StoreSettings {
  name?: string;
  defaultCurrency?: string;
  expirationMinutes?: number;
  monitoringMinutes?: number;
  paymentTolerancePercent?: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const PERCENT = /^\d{1,2}(\.\d{1,2})?$|^100(\.0{1,2})?$/;

/** Checks store settings field by field; absent fields stay absent (partial updates). */
export function validateStoreSettings(input: StoreSettingsInput): StoreSettings {
  const out: StoreSettings = {};
  if (input.name != null) {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100)
      throw new ValidationError('name', 'must be 1 to 100 characters');
    out.name = name;
  }
  if (input.defaultCurrency != null) {
    if (!CURRENCY.test(input.defaultCurrency))
      throw new ValidationError('defaultCurrency', 'must be an ISO 4217 code such as EUR');
    out.defaultCurrency = input.defaultCurrency;
  }
  if (input.expirationMinutes != null) {
    if (
      !Number.isInteger(input.expirationMinutes) ||
      input.expirationMinutes < 1 ||
      input.expirationMinutes > 43_200
    )
      throw new ValidationError('expirationMinutes', 'must be a whole number from 1 to 43200 (30 days)');
    out.expirationMinutes = input.expirationMinutes;
  }
  if (input.monitoringMinutes != null) {
    if (
      !Number.isInteger(input.monitoringMinutes) ||
      input.monitoringMinutes < 0 ||
      input.monitoringMinutes > 525_600
    )
      throw new ValidationError('monitoringMinutes', 'must be a whole number from 0 to 525600 (a year)');
    out.monitoringMinutes = input.monitoringMinutes;
  }
  if (input.paymentTolerancePercent != null) {
    if (!PERCENT.test(input.paymentTolerancePercent))
      throw new ValidationError(
        'paymentTolerancePercent',
        'must be a percentage from 0 to 100 with up to 2 decimals',
      );
    out.paymentTolerancePercent = input.paymentTolerancePercent;
  }
  return out;
}
