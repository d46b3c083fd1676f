import { afterEach, describe, expect, it } from 'vitest';
import { buildRateService } from './build-rate-service.ts';
import { type FakeRateServer, startFakeRateServer } from './fake-rate-server.ts';

let server: FakeRateServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('buildRateService', () => {
  it('builds providers in fallback order with freshness and spread', async () => {
    server = await startFakeRateServer(() => ({ body: '{"bitcoin":{"eur":65012.34}}' }));
    let nowMs = 0;
    const rates = buildRateService(
      {
        providers: [
          { kind: 'coingecko', baseUrl: server.url, apiKey: 'CG-key', timeoutMs: 2000 },
          { kind: 'kraken', baseUrl: 'http://127.0.0.1:9' },
          // Nothing listens on port 9: both fail fast, and no test ever reaches the internet.
          { kind: 'coinbase', baseUrl: 'http://127.0.0.1:9' },
          { kind: 'fixed', rates: { 'USDT/USD': '1' } },
        ],
        maxAgeSeconds: 10,
        spreadPercent: '0.5',
      },
      { now: () => new Date(nowMs) },
    );
    const [btc, usdt] = await rates.getRates([
      { base: 'BTC', quote: 'EUR' },
      { base: 'USDT', quote: 'USD' },
    ]);
    expect([btc.rate, btc.source]).toEqual(['64687.2783', 'coingecko']); // 65012.34 × 0.995
    expect([usdt.rate, usdt.source]).toEqual(['0.995', 'fixed']);
    expect(server.requests[0].headers['x-cg-demo-api-key']).toBe('CG-key');
    nowMs = 10_000;
    await rates.getRate({ base: 'BTC', quote: 'EUR' });
    expect(server.requests).toHaveLength(1);
    nowMs = 10_001;
    await rates.getRate({ base: 'BTC', quote: 'EUR' });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [null, 'config'],
    [{}, 'providers'],
    [{ providers: [] }, 'providers'],
    [{ providers: [{ kind: 'fixed', rates: {} }], maxAge: 5 }, 'maxAge'],
    [{ providers: [{ kind: 'binance' }] }, 'providers[0].kind'],
    [{ providers: [{ kind: 'fixed', rates: {} }, 'kraken'] }, 'providers[1]'],
    [{ providers: [{ kind: 'kraken', apiKey: 'k' }] }, 'providers[0].apiKey'],
    [{ providers: [{ kind: 'coinbase', baseUrl: 'ftp://example.com' }] }, 'providers[0].baseUrl'],
    [{ providers: [{ kind: 'coinbase', timeoutMs: 0 }] }, 'providers[0].timeoutMs'],
    [{ providers: [{ kind: 'coingecko', plan: 'enterprise' }] }, 'providers[0].plan'],
    [{ providers: [{ kind: 'coingecko', apiKey: '' }] }, 'providers[0].apiKey'],
    [{ providers: [{ kind: 'fixed' }] }, 'providers[0].rates'],
    [
      { providers: [{ kind: 'kraken' }, { kind: 'fixed', rates: { 'BTC/EUR': 60000 } }] },
      'providers[1].rates["BTC/EUR"]',
    ],
    [{ providers: [{ kind: 'kraken' }, { kind: 'kraken' }] }, 'providers[1].name'],
    [{ providers: [{ kind: 'kraken' }], maxAgeSeconds: 0 }, 'maxAgeSeconds'],
    [{ providers: [{ kind: 'kraken' }], maxAgeSeconds: '60' }, 'maxAgeSeconds'],
    [{ providers: [{ kind: 'kraken' }], spreadPercent: 1 }, 'spreadPercent'],
    [{ providers: [{ kind: 'kraken' }], spreadPercent: '100' }, 'spreadPercent'],
  ])('refuses %j, naming %s', (config, field) => {
    let error: unknown;
    try {
      buildRateService(config);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VALIDATION', details: { field } });
  });
});
