import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnits as domainFormatUnits } from '../../domain/decimal-units.ts';
import { bip21Uri, eip681Uri } from '../../domain/payment-uri.ts';
import {
  type CheckoutInvoice,
  describeInvoice,
  formatCountdown,
  formatPrice,
  formatUnits,
  safeRedirectUrl,
  uriWithAmount,
} from './assets/checkout-model.js';
import { pickLocale, STRINGS, t } from './assets/checkout-strings.js';
import { escapeHtml, html, jsonForScript } from './html.ts';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function invoice(overrides: Partial<CheckoutInvoice> = {}): CheckoutInvoice {
  return {
    id: 'inv',
    status: 'NEW',
    exceptionStatus: 'NONE',
    price: '10',
    currency: 'EUR',
    description: null,
    storeName: 'Shop',
    redirectUrl: null,
    expiresAt: new Date(NOW + 60_000).toISOString(),
    paymentMethods: [],
    payments: [],
    ...overrides,
  };
}

const payment = (confirmations: number, status = 'PENDING') => ({
  asset: 'ETH',
  amount: '1',
  status,
  confirmations,
  requiredConfirmations: 3,
});

describe('describeInvoice', () => {
  it.each([
    ['waiting', invoice(), { state: 'waiting', payable: true }],
    ['partial', invoice({ exceptionStatus: 'PAID_PARTIAL' }), { state: 'partial', payable: true }],
    [
      'past the deadline before the job ran',
      invoice({ expiresAt: new Date(NOW).toISOString() }),
      { state: 'expired', payable: false },
    ],
    [
      'detected in the mempool',
      invoice({ status: 'PROCESSING', payments: [payment(0)] }),
      { state: 'detected' },
    ],
    [
      'confirming: the slowest payment counts',
      invoice({ status: 'PROCESSING', payments: [payment(2), payment(1), payment(0, 'REVERSED')] }),
      { state: 'confirming', confirmations: 1, requiredConfirmations: 3 },
    ],
    ['paid', invoice({ status: 'SETTLED' }), { state: 'paid', settled: true }],
    [
      'overpaid',
      invoice({ status: 'SETTLED', exceptionStatus: 'PAID_OVER' }),
      { state: 'overpaid', settled: true },
    ],
    ['late', invoice({ status: 'SETTLED', exceptionStatus: 'PAID_LATE' }), { state: 'paid', late: true }],
    ['expired', invoice({ status: 'EXPIRED' }), { state: 'expired', payable: false }],
    [
      'invalid',
      invoice({ status: 'INVALID', exceptionStatus: 'MARKED' }),
      { state: 'invalid', settled: false },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(describeInvoice(input, NOW)).toMatchObject(expected);
  });
});

describe('uriWithAmount', () => {
  const to = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
  const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  it('rewrites exactly what the URI builders would write for the new amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        (a, b) => {
          expect(uriWithAmount(eip681Uri({ chainId: 1, to, amount: a }), b, 18)).toBe(
            eip681Uri({ chainId: 1, to, amount: b }),
          );
          expect(uriWithAmount(eip681Uri({ chainId: 1, to, amount: a, token }), b, 6)).toBe(
            eip681Uri({ chainId: 1, to, amount: b, token }),
          );
          const address = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
          expect(
            uriWithAmount(
              bip21Uri({ scheme: 'bitcoin', address, amount: a, decimals: 8, label: 'A&B' }),
              b,
              8,
            ),
          ).toBe(bip21Uri({ scheme: 'bitcoin', address, amount: b, decimals: 8, label: 'A&B' }));
        },
      ),
    );
  });
});

describe('formatting', () => {
  it('formats units exactly as the domain does', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.integer({ min: 0, max: 30 }),
        (units, d) => {
          expect(formatUnits(units, d)).toBe(domainFormatUnits(units, d));
        },
      ),
    );
  });

  it('pads prices to the currency’s decimals without rounding', () => {
    expect(formatPrice('24.5', 'EUR')).toBe('24.50 EUR');
    expect(formatPrice('10', 'USD')).toBe('10.00 USD');
    expect(formatPrice('1000', 'JPY')).toBe('1000 JPY');
    expect(formatPrice('0.123456', 'EUR')).toBe('0.123456 EUR');
    expect(formatPrice('0.5', 'USDT_ETH')).toBe('0.5 USDT_ETH');
  });

  it('counts down in m:ss or h:mm:ss, never below zero', () => {
    expect(formatCountdown(899_001)).toBe('15:00');
    expect(formatCountdown(61_000)).toBe('1:01');
    expect(formatCountdown(3_600_000 + 5_000)).toBe('1:00:05');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });

  it('follows only http(s) redirect URLs', () => {
    expect(safeRedirectUrl('https://shop.example/thanks?o=1')).toBe('https://shop.example/thanks?o=1');
    expect(safeRedirectUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeRedirectUrl('data:text/html,x')).toBeUndefined();
    expect(safeRedirectUrl(null)).toBeUndefined();
  });
});

describe('strings and escaping', () => {
  it('has every string the page and its scripts ask for', () => {
    const dir = new URL('./', import.meta.url);
    const files = [
      ...readdirSync(dir).filter((f) => /\.ts$/.test(f) && !f.endsWith('.test.ts')),
      ...readdirSync(new URL('./assets/', dir))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `assets/${f}`),
    ];
    const used = new Set<string>();
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/\bt\(locale, '(\w+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/(?:titleKey|textKey)[,:]?\s*'(\w+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/message\(req, res, \d+, '(\w+)', '(\w+)'\)/g)) used.add(m[1]).add(m[2]);
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((key) => !(key in STRINGS.en))).toEqual([]);
  });

  it('fills placeholders and falls back to English', () => {
    expect(t('en', 'stateConfirming', { n: 1, total: 3 })).toBe('Payment received: confirming (1 of 3)');
    expect(t('xx', 'statePaid')).toBe('Paid. Thank you!');
    expect(pickLocale('de-CH, de;q=0.9, en;q=0.5')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });

  it('escapes interpolated values and keeps JSON from closing its script element', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(html`<p title="${'"><script>'}">${['<b>', html`<i>ok</i>`]}</p>`.html).toBe(
      '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;<i>ok</i></p>',
    );
    const value = { text: '</script><!-- \u2028 &' };
    const json = jsonForScript(value).html;
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
