import { afterEach, describe, expect, it } from 'vitest';
import { RateProviderError } from './errors.ts';
import { type FakeRateServer, startFakeRateServer } from './fake-rate-server.ts';
import { KrakenProvider } from './kraken-provider.ts';

let server: FakeRateServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const signal = () => AbortSignal.timeout(5000);

/** A ticker entry as Kraken sends it: every number a string, `c` = [last price, lot volume]. */
function ticker(last: string) {
  return {
    a: ['65012.40000', '1', '1.000'],
    b: ['65012.30000', '2', '2.000'],
    c: [last, '0.00067643'],
    v: ['4083.67001100', '4412.73601799'],
    p: ['64706.77771', '64689.13205'],
    t: [34619, 38907],
    l: ['63868.30000', '63868.30000'],
    h: ['65631.00000', '65631.00000'],
    o: '64502.80000',
  };
}

const LISTED: Record<string, string> = {
  XBTEUR: 'XXBTZEUR',
  ETHEUR: 'XETHZEUR',
  USDTEUR: 'USDTEUR',
  USDTUSD: 'USDTZUSD',
  XDGEUR: 'XDGEUR',
};
const LAST: Record<string, string> = {
  XXBTZEUR: '65012.30000',
  XETHZEUR: '3012.45000',
  USDTEUR: '0.99987000',
  USDTZUSD: '1.00010000',
  XDGEUR: '0.1234567',
};

/** Answers like Kraken: the whole request fails when any one pair is unknown. */
function kraken(pairParam: string | null) {
  const asked = (pairParam ?? '').split(',');
  if (asked.some((p) => !(p in LISTED))) return { body: '{"error":["EQuery:Unknown asset pair"]}' };
  const result = Object.fromEntries(asked.map((p) => [LISTED[p], ticker(LAST[LISTED[p]])]));
  return { body: JSON.stringify({ error: [], result }) };
}

describe('KrakenProvider', () => {
  it('maps Kraken pair names and its legacy result keys back to the pairs asked', async () => {
    server = await startFakeRateServer((r) => kraken(r.query.get('pair')));
    const provider = new KrakenProvider({ baseUrl: server.url });
    const quotes = await provider.fetchRates(
      [
        { base: 'BTC', quote: 'EUR' },
        { base: 'ETH', quote: 'EUR' },
        { base: 'USDT', quote: 'EUR' },
        { base: 'USDT', quote: 'USD' },
        { base: 'DOGE', quote: 'EUR' },
      ],
      signal(),
    );
    expect(quotes.map((q) => [`${q.base}/${q.quote}`, q.rate, q.source])).toEqual([
      ['BTC/EUR', '65012.3', 'kraken'],
      ['ETH/EUR', '3012.45', 'kraken'],
      ['USDT/EUR', '0.99987', 'kraken'],
      ['USDT/USD', '1.0001', 'kraken'],
      ['DOGE/EUR', '0.1234567', 'kraken'],
    ]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/0/public/Ticker?pair=XBTEUR,ETHEUR,USDTEUR,USDTUSD,XDGEUR',
    ]);
  });

  it('asks pair by pair when Kraken refuses a request over one unknown pair', async () => {
    server = await startFakeRateServer((r) => kraken(r.query.get('pair')));
    const provider = new KrakenProvider({ baseUrl: server.url });
    const quotes = await provider.fetchRates(
      [
        { base: 'BTC', quote: 'EUR' },
        { base: 'FOO', quote: 'EUR' },
      ],
      signal(),
    );
    expect(quotes.map((q) => `${q.base}/${q.quote}=${q.rate}`)).toEqual(['BTC/EUR=65012.3']);
    // The single-pair retries run in parallel, so their order is not fixed.
    expect(server.requests.map((r) => r.query.get('pair')).sort()).toEqual([
      'FOOEUR',
      'XBTEUR',
      'XBTEUR,FOOEUR',
    ]);
  });

  it('fails with the messages of Kraken error arrays', async () => {
    server = await startFakeRateServer(() => ({ body: '{"error":["EService:Unavailable"]}' }));
    const provider = new KrakenProvider({ baseUrl: server.url });
    const failure = provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], signal());
    await expect(failure).rejects.toThrow(RateProviderError);
    await expect(failure).rejects.toThrow('kraken: EService:Unavailable');
  });

  it('ignores warnings and fails on a ticker without a usable last price', async () => {
    server = await startFakeRateServer((r) =>
      r.query.get('pair') === 'XBTEUR'
        ? {
            body: JSON.stringify({ error: ['WGeneral:Deprecated'], result: { XXBTZEUR: ticker('65000.1') } }),
          }
        : { body: JSON.stringify({ error: [], result: { XETHZEUR: { ...ticker('x'), c: [] } } }) },
    );
    const provider = new KrakenProvider({ baseUrl: server.url });
    const [btc] = await provider.fetchRates([{ base: 'BTC', quote: 'EUR' }], signal());
    expect(btc.rate).toBe('65000.1');
    await expect(provider.fetchRates([{ base: 'ETH', quote: 'EUR' }], signal())).rejects.toThrow(
      /bad last price for XETHZEUR/,
    );
  });
});
