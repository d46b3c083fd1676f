import { afterEach, describe, expect, it } from 'vitest';
import { CoinbaseProvider } from './coinbase-provider.ts';
import { RateUnavailableError } from './errors.ts';
import { type FakeAnswer, type FakeRateServer, startFakeRateServer } from './fake-rate-server.ts';
import { FixedRateProvider } from './fixed-provider.ts';
import type { Pair, Quote, RateProvider } from './rate-provider.ts';
import { RateService } from './rate-service.ts';

const servers: FakeRateServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(answer: () => FakeAnswer): Promise<FakeRateServer> {
  const server = await startFakeRateServer(answer);
  servers.push(server);
  return server;
}

/** A Coinbase-format server answering BTC at `eur`. */
async function coinbaseAt(eur: string): Promise<FakeRateServer> {
  return serve(() => ({
    body: JSON.stringify({ data: { currency: 'BTC', rates: { EUR: eur, USD: '70000' } } }),
  }));
}

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2025-01-01T00:00:00Z')) {
  let nowMs = start;
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const BTC_EUR: Pair = { base: 'BTC', quote: 'EUR' };

describe('RateService', () => {
  it('serves a fresh rate from cache and fetches again once it is older than maxAgeMs', async () => {
    const server = await coinbaseAt('60000.5');
    const clock = manualClock();
    const rates = new RateService({
      providers: [new CoinbaseProvider({ baseUrl: server.url })],
      now: clock.now,
    });

    const first = await rates.getRate(BTC_EUR);
    expect(first).toEqual({
      base: 'BTC',
      quote: 'EUR',
      rate: '60000.5',
      source: 'coinbase',
      fetchedAt: clock.now(),
    });
    clock.advance(60_000); // exactly the limit: still fresh
    expect(await rates.getRate({ base: 'btc', quote: 'eur' })).toEqual(first);
    expect(server.requests).toHaveLength(1);

    clock.advance(1);
    const second = await rates.getRate(BTC_EUR);
    expect(server.requests).toHaveLength(2);
    expect(second.fetchedAt).toEqual(clock.now());
  });

  it('never serves a stale rate, even when every provider is down', async () => {
    let up = true;
    const server = await serve(() =>
      up
        ? { body: JSON.stringify({ data: { currency: 'BTC', rates: { EUR: '60000' } } }) }
        : { status: 503, body: 'down for maintenance' },
    );
    const clock = manualClock();
    const rates = new RateService({
      providers: [new CoinbaseProvider({ baseUrl: server.url })],
      maxAgeMs: 30_000,
      now: clock.now,
    });
    await rates.getRate(BTC_EUR);
    up = false;
    clock.advance(30_001);
    const failure = await rates.getRate(BTC_EUR).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateUnavailableError);
    expect((failure as RateUnavailableError).code).toBe('RATE_UNAVAILABLE');
    expect((failure as RateUnavailableError).message).toMatch(/HTTP 503: down for maintenance/);
  });

  it.each([
    ['HTTP 500', { status: 500, body: '{"message":"internal error"}' } as FakeAnswer, /HTTP 500/],
    ['a timeout', { hang: true } as FakeAnswer, /no response within 50 ms/],
    ['malformed JSON', { body: '{"data":{"currency":"BTC","rates":{"EUR":"600' } as FakeAnswer, /not JSON/],
  ])('falls back to the next provider on %s', async (_what, answer, reason) => {
    const broken = await serve(() => answer);
    const working = await coinbaseAt('61000');
    const rates = new RateService({
      providers: [
        new CoinbaseProvider({ name: 'primary', baseUrl: broken.url, timeoutMs: 50 }),
        new CoinbaseProvider({ name: 'backup', baseUrl: working.url }),
      ],
    });
    const quote = await rates.getRate(BTC_EUR);
    expect([quote.rate, quote.source]).toEqual(['61000', 'backup']);
    expect(broken.requests).toHaveLength(1);
    // The failure reason is kept: once the backup is gone too, it is what the caller sees.
    const lonely = new RateService({
      providers: [new CoinbaseProvider({ name: 'primary', baseUrl: broken.url, timeoutMs: 50 })],
    });
    await expect(lonely.getRate(BTC_EUR)).rejects.toThrow(reason);
  });

  it('takes each pair from the first provider that has it', async () => {
    const server = await coinbaseAt('60000');
    const rates = new RateService({
      providers: [
        new FixedRateProvider({ rates: { 'USDT/USD': '1' } }),
        new CoinbaseProvider({ baseUrl: server.url }),
        new FixedRateProvider({ name: 'offline', rates: { 'BTC/EUR': '1', 'ETH/EUR': '3000' } }),
      ],
    });
    const quotes = await rates.getRates([
      { base: 'ETH', quote: 'EUR' },
      { base: 'USDT', quote: 'USD' },
      BTC_EUR,
      { base: 'usdt', quote: 'usd' },
    ]);
    expect(quotes.map((q) => [`${q.base}/${q.quote}`, q.rate, q.source])).toEqual([
      ['ETH/EUR', '3000', 'offline'],
      ['USDT/USD', '1', 'fixed'],
      ['BTC/EUR', '60000', 'coinbase'],
      ['USDT/USD', '1', 'fixed'],
    ]);
  });

  it('throws RATE_UNAVAILABLE naming the pairs and every provider tried', async () => {
    const down = await serve(() => ({ status: 500, body: '' }));
    const rates = new RateService({
      providers: [
        new CoinbaseProvider({ baseUrl: down.url }),
        new FixedRateProvider({ rates: { 'BTC/EUR': '60000' } }),
      ],
    });
    const error = (await rates
      .getRates([BTC_EUR, { base: 'DOGE', quote: 'EUR' }, { base: 'LTC', quote: 'USD' }])
      .catch((e: unknown) => e)) as RateUnavailableError;
    expect(error).toBeInstanceOf(RateUnavailableError);
    expect(error.code).toBe('RATE_UNAVAILABLE');
    expect(error.pairs).toEqual(['DOGE/EUR', 'LTC/USD']);
    expect(error.details.providers).toEqual(['coinbase', 'fixed']);
    expect(error.attempts).toEqual([
      { provider: 'coinbase', error: 'coinbase: HTTP 500' },
      { provider: 'fixed' },
    ]);
    expect(error.message).toBe(
      'no rate for DOGE/EUR, LTC/USD (tried coinbase: coinbase: HTTP 500; fixed: no such pair)',
    );
  });

  it('applies the spread exactly, to cached rates too, without compounding', async () => {
    const server = await coinbaseAt('65012.34');
    const rates = new RateService({
      providers: [new CoinbaseProvider({ baseUrl: server.url })],
      spreadPercent: '1',
    });
    expect((await rates.getRate(BTC_EUR)).rate).toBe('64362.2166');
    expect((await rates.getRate(BTC_EUR)).rate).toBe('64362.2166');
    expect(server.requests).toHaveLength(1);
  });

  it('shares one fetch among concurrent callers', async () => {
    const server = await coinbaseAt('60000');
    const rates = new RateService({ providers: [new CoinbaseProvider({ baseUrl: server.url })] });
    const quotes = await Promise.all(Array.from({ length: 10 }, () => rates.getRate(BTC_EUR)));
    expect(new Set(quotes.map((q) => q.rate))).toEqual(new Set(['60000']));
    expect(server.requests).toHaveLength(1);
  });

  it('shares failures too, then tries again on the next call', async () => {
    let status = 500;
    const server = await serve(() => ({
      status,
      body: JSON.stringify({ data: { currency: 'BTC', rates: { EUR: '60000' } } }),
    }));
    const rates = new RateService({ providers: [new CoinbaseProvider({ baseUrl: server.url })] });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => rates.getRate(BTC_EUR)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.requests).toHaveLength(1);
    status = 200;
    expect((await rates.getRate(BTC_EUR)).rate).toBe('60000');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a provider that ignores its signal, and on one that sends a bad rate', async () => {
    const stuck: RateProvider = { name: 'stuck', fetchRates: () => new Promise<Quote[]>(() => {}) };
    const sloppy: RateProvider = {
      name: 'sloppy',
      fetchRates: async (pairs) =>
        pairs.map((p) => ({ ...p, rate: '1,5', source: 'sloppy', fetchedAt: new Date() })),
    };
    const rates = new RateService({
      providers: [stuck, sloppy, new FixedRateProvider({ rates: { 'BTC/EUR': '60000' } })],
      providerTimeoutMs: 20,
    });
    const quote = await rates.getRate(BTC_EUR);
    expect([quote.rate, quote.source]).toEqual(['60000', 'fixed']);
  });

  it('refuses bad options and bad pairs', async () => {
    const fixed = new FixedRateProvider({ rates: {} });
    expect(() => new RateService({ providers: [] })).toThrow(/providers/);
    expect(() => new RateService({ providers: [fixed], spreadPercent: '100' })).toThrow(/spreadPercent/);
    expect(() => new RateService({ providers: [fixed], spreadPercent: 'abc' })).toThrow(/spreadPercent/);
    const rates = new RateService({ providers: [fixed] });
    await expect(rates.getRate({ base: 'B/TC', quote: 'EUR' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'pairs[0].base' },
    });
  });
});
