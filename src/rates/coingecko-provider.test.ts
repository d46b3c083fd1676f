import { afterEach, describe, expect, it } from 'vitest';
import { CoinGeckoProvider } from './coingecko-provider.ts';
import { RateProviderError } from './errors.ts';
import { type FakeRateServer, startFakeRateServer } from './fake-rate-server.ts';

let server: FakeRateServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const signal = () => AbortSignal.timeout(5000);

// Shape of a real /api/v3/simple/price answer: coin id → lower-case currency → JSON number.
const PRICES = `{
  "bitcoin": { "eur": 65012.34, "usd": 70321.5 },
  "tether": { "eur": 0.99987, "usd": 1.001 },
  "polygon-ecosystem-token": { "eur": 0.2134567890123456789, "usd": 1.5e-7 }
}`;

describe('CoinGeckoProvider', () => {
  it('asks once for all pairs and keeps every digit of the JSON numbers', async () => {
    server = await startFakeRateServer(() => ({ body: PRICES }));
    const provider = new CoinGeckoProvider({ baseUrl: server.url, apiKey: 'CG-demo-key' });
    const quotes = await provider.fetchRates(
      [
        { base: 'BTC', quote: 'EUR' },
        { base: 'USDT', quote: 'EUR' },
        { base: 'POL', quote: 'EUR' },
        { base: 'MATIC', quote: 'USD' },
        { base: 'DOGE', quote: 'EUR' }, // absent from the answer: left out
        { base: 'FOO', quote: 'EUR' }, // no CoinGecko id: not even asked for
      ],
      signal(),
    );
    expect(quotes.map((q) => [q.base, q.quote, q.rate, q.source])).toEqual([
      ['BTC', 'EUR', '65012.34', 'coingecko'],
      ['USDT', 'EUR', '0.99987', 'coingecko'],
      ['POL', 'EUR', '0.213456789012345678', 'coingecko'],
      ['MATIC', 'USD', '0.00000015', 'coingecko'],
    ]);
    expect(quotes[0].fetchedAt).toBeInstanceOf(Date);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.url).toBe(
      '/api/v3/simple/price?ids=bitcoin,tether,polygon-ecosystem-token,dogecoin&vs_currencies=eur,usd&precision=full',
    );
    expect(request.headers['x-cg-demo-api-key']).toBe('CG-demo-key');
    expect(request.headers['x-cg-pro-api-key']).toBeUndefined();
  });

  it('sends a Pro key in the Pro header and takes extra ids from its options', async () => {
    server = await startFakeRateServer(() => ({ body: '{"solana":{"eur":150.25}}' }));
    const provider = new CoinGeckoProvider({
      baseUrl: server.url,
      apiKey: 'CG-pro',
      plan: 'pro',
      ids: { sol: 'solana' },
    });
    const quotes = await provider.fetchRates([{ base: 'SOL', quote: 'EUR' }], signal());
    expect(quotes.map((q) => q.rate)).toEqual(['150.25']);
    expect(server.requests[0].headers['x-cg-pro-api-key']).toBe('CG-pro');
    expect(server.requests[0].headers['x-cg-demo-api-key']).toBeUndefined();
  });

  it('makes no request when it knows none of the assets', async () => {
    server = await startFakeRateServer(() => ({ body: '{}' }));
    const provider = new CoinGeckoProvider({ baseUrl: server.url });
    expect(await provider.fetchRates([{ base: 'FOO', quote: 'EUR' }], signal())).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('fails on rate limiting, with the status and CoinGecko message', async () => {
    server = await startFakeRateServer(() => ({
      status: 429,
      body: '{"status":{"error_code":429,"error_message":"You\'ve exceeded the Rate Limit."}}',
    }));
    const provider = new CoinGeckoProvider({ baseUrl: server.url });
    const failure = provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], signal());
    await expect(failure).rejects.toThrow(RateProviderError);
    await expect(failure).rejects.toThrow(/coingecko: HTTP 429.*exceeded the Rate Limit/);
  });

  it('fails on malformed JSON and on prices that are not numbers', async () => {
    server = await startFakeRateServer((r) => ({
      body: r.query.get('vs_currencies') === 'eur' ? '{"bitcoin":{"eur":65012.' : '{"bitcoin":{"usd":"n/a"}}',
    }));
    const provider = new CoinGeckoProvider({ baseUrl: server.url });
    await expect(provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], signal())).rejects.toThrow(/not JSON/);
    await expect(provider.fetchRates([{ base: 'BTC', quote: 'USD' }], signal())).rejects.toThrow(
      /bad price at bitcoin.usd/,
    );
  });
});
