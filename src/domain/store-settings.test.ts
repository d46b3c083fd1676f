import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { type StoreSettingsInput, validateStoreSettings } from './store-settings.ts';

function refusedField(input: StoreSettingsInput): string {
  try {
    validateStoreSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION');
    return (error as ValidationError).details.field as string;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('validateStoreSettings', () => {
  it('keeps absent and null fields absent, so an update changes only what it names', () => {
    expect(validateStoreSettings({})).toEqual({});
    const out = validateStoreSettings({
      name: null,
      defaultCurrency: null,
      expirationMinutes: null,
      monitoringMinutes: null,
      paymentTolerancePercent: null,
    });
    expect(out).toEqual({});
    expect(Object.keys(out)).toEqual([]);
  });

  it('passes valid settings, trimming the name', () => {
    expect(
      validateStoreSettings({
        name: '  Shop  ',
        defaultCurrency: 'USD',
        expirationMinutes: 30,
        monitoringMinutes: 0,
        paymentTolerancePercent: '1.5',
      }),
    ).toEqual({
      name: 'Shop',
      defaultCurrency: 'USD',
      expirationMinutes: 30,
      monitoringMinutes: 0,
      paymentTolerancePercent: '1.5',
    });
  });

  it('takes a name of 1 to 100 characters', () => {
    expect(validateStoreSettings({ name: 'x' }).name).toBe('x');
    expect(validateStoreSettings({ name: 'x'.repeat(100) }).name).toHaveLength(100);
    expect(refusedField({ name: '' })).toBe('name');
    expect(refusedField({ name: '   ' })).toBe('name');
    expect(refusedField({ name: 'x'.repeat(101) })).toBe('name');
  });

  it.each(['eur', 'EURO', 'EU', '€', 'E1R', ' EUR', ''])('refuses the currency %j', (defaultCurrency) => {
    expect(refusedField({ defaultCurrency })).toBe('defaultCurrency');
  });

  it('takes whole expiration minutes from 1 to 30 days', () => {
    expect(validateStoreSettings({ expirationMinutes: 1 }).expirationMinutes).toBe(1);
    expect(validateStoreSettings({ expirationMinutes: 43_200 }).expirationMinutes).toBe(43_200);
    for (const bad of [0, -1, 43_201, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusedField({ expirationMinutes: bad }), String(bad)).toBe('expirationMinutes');
    }
  });

  it('takes whole monitoring minutes from 0 to a year', () => {
    expect(validateStoreSettings({ monitoringMinutes: 0 }).monitoringMinutes).toBe(0);
    expect(validateStoreSettings({ monitoringMinutes: 525_600 }).monitoringMinutes).toBe(525_600);
    for (const bad of [-1, 525_601, 0.5, Number.NaN]) {
      expect(refusedField({ monitoringMinutes: bad }), String(bad)).toBe('monitoringMinutes');
    }
  });

  it.each(['0', '0.5', '1', '2.25', '99.99', '100', '100.0', '100.00'])('takes the tolerance %j', (value) => {
    expect(validateStoreSettings({ paymentTolerancePercent: value }).paymentTolerancePercent).toBe(value);
  });

  it.each(['-1', '100.01', '100.5', '101', '1000', '1.234', '1e1', '.5', '1.', '', ' 1', '1%', 'NaN'])(
    'refuses the tolerance %j',
    (value) => {
      expect(refusedField({ paymentTolerancePercent: value })).toBe('paymentTolerancePercent');
    },
  );

  it('names the first bad field in the message', () => {
    expect(() => validateStoreSettings({ name: 'ok', defaultCurrency: 'euro' })).toThrow(
      /^defaultCurrency: /,
    );
  });
});
