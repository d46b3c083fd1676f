import { describe, expect, it } from 'vitest';
import { FixedRateProvider } from './fixed-provider.ts';

describe('FixedRateProvider', () => {
  it('answers the configured pairs and leaves out the rest', async () => {
    const provider = new FixedRateProvider({ rates: { 'BTC/EUR': '60000.00', 'usdt/usd': '1' } });
    const quotes = await provider.fetchRates(
      [
        { base: 'BTC', quote: 'EUR' },
        { base: 'USDT', quote: 'USD' },
        { base: 'ETH', quote: 'EUR' },
      ],
      AbortSignal.timeout(1000),
    );
    expect(quotes.map((q) => [`${q.base}/${q.quote}`, q.rate, q.source])).toEqual([
      ['BTC/EUR', '60000', 'fixed'],
      ['USDT/USD', '1', 'fixed'],
    ]);
  });

  it('refuses bad configuration, naming the entry', () => {
    const field = (rates: unknown) => {
      try {
        new FixedRateProvider({ rates: rates as Record<string, string> });
        return 'accepted';
      } catch (error) {
        return (
          (error as { code: string; details: { field: string } }).code +
          ' ' +
          (error as { details: { field: string } }).details.field
        );
      }
    };
    expect(field({ 'BTC-EUR': '1' })).toBe('VALIDATION rates["BTC-EUR"]');
    expect(field({ 'BTC/EUR': 60000 })).toBe('VALIDATION rates["BTC/EUR"]');
    expect(field({ 'BTC/EUR': '0' })).toBe('VALIDATION rates["BTC/EUR"]');
    expect(field({ 'BTC/EUR': '6e4' })).toBe('accepted');
    expect(field(['60000'])).toBe('VALIDATION rates');
  });
});
