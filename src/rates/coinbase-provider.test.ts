import { afterEach, describe, expect, it } from 'vitest';
import { CoinbaseProvider } from './coinbase-provider.ts';
import { RateProviderError } from './errors.ts';
import { type FakeRateServer, startFakeRateServer } from './fake-rate-server.ts';

let server: FakeRateServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const signal = () => AbortSignal.timeout(5000);

// Real /v2/exchange-rates shape: one base, every currency, rates as strings.
const RATES: Record<string, Record<string, string>> = {
  BTC: { EUR: '60123.4567', USD: '65000.12', ETH: '21.6843' },
  ETH: { EUR: '2773.005', USD: '2998.1' },
  USDT: { USD: '1.0002', EUR: '0.92541234567890123456789' },
};

function coinbase(currency: string | null) {
  if (currency && RATES[currency])
    return { body: JSON.stringify({ data: { currency, rates: RATES[currency] } }) };
  return { status: 400, body: '{"errors":[{"id":"invalid_request","message":"Invalid currency"}]}' };
}

describe('CoinbaseProvider', () => {
  it('asks once per base and returns the string rates exactly', async () => {
    server = await startFakeRateServer((r) => coinbase(r.query.get('currency')));
    const provider = new CoinbaseProvider({ baseUrl: server.url });
    const quotes = await provider.fetchRates(
      [
        { base: 'BTC', quote: 'EUR' },
        { base: 'BTC', quote: 'USD' },
        { base: 'ETH', quote: 'EUR' },
        { base: 'USDT', quote: 'EUR' },
        { base: 'ETH', quote: 'XYZ' }, // Coinbase has no such currency: left out
      ],
      signal(),
    );
    expect(quotes.map((q) => [`${q.base}/${q.quote}`, q.rate, q.source])).toEqual([
      ['BTC/EUR', '60123.4567', 'coinbase'],
      ['BTC/USD', '65000.12', 'coinbase'],
      ['ETH/EUR', '2773.005', 'coinbase'],
      ['USDT/EUR', '0.925412345678901234', 'coinbase'],
    ]);
    expect(server.requests.map((r) => r.url).sort()).toEqual([
      '/v2/exchange-rates?currency=BTC',
      '/v2/exchange-rates?currency=ETH',
      '/v2/exchange-rates?currency=USDT',
    ]);
  });

  it('keeps the bases it knows when Coinbase refuses another', async () => {
    server = await startFakeRateServer((r) => coinbase(r.query.get('currency')));
    const provider = new CoinbaseProvider({ baseUrl: server.url });
    const quotes = await provider.fetchRates(
      [
        { base: 'FOO', quote: 'EUR' },
        { base: 'ETH', quote: 'USD' },
      ],
      signal(),
    );
    expect(quotes.map((q) => `${q.base}/${q.quote}=${q.rate}`)).toEqual(['ETH/USD=2998.1']);
  });

  it('fails when every request fails', async () => {
    server = await startFakeRateServer((r) => coinbase(r.query.get('currency')));
    const provider = new CoinbaseProvider({ baseUrl: server.url });
    const failure = provider.fetchRates([{ base: 'FOO', quote: 'EUR' }], signal());
    await expect(failure).rejects.toThrow(RateProviderError);
    await expect(failure).rejects.toThrow(/coinbase: HTTP 400.*Invalid currency/);
  });

  it('never uses rates quoted for another base', async () => {
    // Answering for USD instead of the currency asked would price BTC at a dollar's worth.
    server = await startFakeRateServer(() => ({
      body: JSON.stringify({ data: { currency: 'USD', rates: { EUR: '0.92' } } }),
    }));
    const provider = new CoinbaseProvider({ baseUrl: server.url });
    expect(await provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], signal())).toEqual([]);
  });
});
