import { parseUnits } from './decimal-units.ts';
import { ValidationError } from './errors.ts';

/**
 * What an invoice may be priced at. Prices come from merchants' backends, often straight from a
 * shop's cart, so the checks are about catching mistakes (a price in cents sent as units, a
 * third decimal on a euro amount) before an invoice with an unpayable amount exists.
 */

/**
 * Fiat currencies Kassa prices in. A closed list rather than "any three capital letters" because
 * crypto tickers have the same shape: "BTC" or "ETH" must never be read as a fiat currency.
 */
export const FIAT_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CHF',
  'JPY',
  'CNY',
  'CAD',
  'AUD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'ISK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'TRY',
  'UAH',
  'ILS',
  'AED',
  'SAR',
  'QAR',
  'BHD',
  'KWD',
  'OMR',
  'JOD',
  'EGP',
  'ZAR',
  'NGN',
  'KES',
  'INR',
  'PKR',
  'SGD',
  'HKD',
  'TWD',
  'KRW',
  'THB',
  'MYR',
  'IDR',
  'PHP',
  'VND',
  'BRL',
  'MXN',
  'ARS',
  'CLP',
  'COP',
] as const;

export type FiatCurrency = (typeof FIAT_CURRENCIES)[number];

// ISO 4217 minor units where they differ from 2.
const MINOR_UNITS: Partial<Record<FiatCurrency, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
};

/** Largest fiat price, in whole currency units: far above any purchase, low enough to catch unit mix-ups. */
export const MAX_FIAT_PRICE = 1_000_000_000_000n;

/** Largest amount in an asset's smallest units: what an EVM uint256 can carry. */
export const MAX_ASSET_UNITS = 2n ** 256n - 1n;

/** No asset price is given with more fractional digits than wei. */
export const MAX_ASSET_FRACTION_DIGITS = 18;

const FIAT_SET: ReadonlySet<string> = new Set(FIAT_CURRENCIES);

/**
 * Is `code` a fiat currency Kassa prices in (ISO 4217 shaped and in {@link FIAT_CURRENCIES})?
 *
 * @example
 * isFiatCurrency('EUR'); // true
 * isFiatCurrency('BTC'); // false
 * isFiatCurrency('eur'); // false
 */
export function isFiatCurrency(code: string): code is FiatCurrency {
  return /^[A-Z]{3}$/.test(code) && FIAT_SET.has(code);
}

/**
 * Decimal places of a fiat currency (ISO 4217 minor units).
 *
 * @example
 * fiatDecimals('EUR'); // 2
 * fiatDecimals('JPY'); // 0
 * fiatDecimals('KWD'); // 3
 */
export function fiatDecimals(code: FiatCurrency): number {
  return MINOR_UNITS[code] ?? 2;
}

/**
 * Checks a fiat price and returns it in minor units (cents for EUR): greater than 0, no more
 * decimals than the currency has, at most {@link MAX_FIAT_PRICE}.
 *
 * @example
 * validateFiatPrice('19.99', 'EUR'); // 1999n
 * validateFiatPrice('1500', 'JPY'); // 1500n
 * validateFiatPrice('19.999', 'EUR'); // throws ValidationError "price: at most 2 decimal places"
 */
export function validateFiatPrice(price: string, currency: string, field = 'price'): bigint {
  if (!isFiatCurrency(currency))
    throw new ValidationError('currency', 'must be a supported fiat currency such as EUR', {
      currency,
    });
  const decimals = fiatDecimals(currency);
  const minor = parseUnits(price, decimals, field);
  if (minor <= 0n) throw new ValidationError(field, 'must be greater than 0');
  if (minor > MAX_FIAT_PRICE * 10n ** BigInt(decimals))
    throw new ValidationError(field, `must be at most ${MAX_FIAT_PRICE} ${currency}`);
  return minor;
}

/**
 * Checks an amount priced directly in an asset and returns it in smallest units: greater than 0,
 * no more decimals than the asset (and never more than 18), at most 2^256 − 1 units.
 *
 * @example
 * validateAssetAmount('0.0005', 8); // 50000n
 * validateAssetAmount('0.1', 18, 'amount'); // 100000000000000000n
 */
export function validateAssetAmount(amount: string, decimals: number, field = 'price'): bigint {
  const units = parseUnits(amount, Math.min(decimals, MAX_ASSET_FRACTION_DIGITS), field);
  if (units <= 0n) throw new ValidationError(field, 'must be greater than 0');
  const scaled = units * 10n ** BigInt(Math.max(0, decimals - MAX_ASSET_FRACTION_DIGITS));
  if (scaled > MAX_ASSET_UNITS) throw new ValidationError(field, 'is too large for the asset');
  return scaled;
}
