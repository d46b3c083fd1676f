import { ValidationError } from '../../domain/errors.ts';
import { parsePairKey } from '../../rates/pair.ts';
import type { Quote } from '../../rates/rate-provider.ts';
import { builder } from '../builder.ts';

const RateRef = builder.objectRef<Quote>('Rate').implement({
  description: 'An exchange rate: `quote` units per one `base`, as invoices would lock it now.',
  fields: (t) => ({
    pair: t.string({ resolve: (q) => `${q.base}/${q.quote}` }),
    base: t.exposeString('base'),
    quote: t.exposeString('quote'),
    rate: t.field({ type: 'Decimal', resolve: (q) => q.rate }),
    source: t.exposeString('source'),
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('rates', (t) =>
  t.field({
    type: [RateRef],
    description: 'Current rates for pairs such as "BTC/EUR"; RATE_UNAVAILABLE when no source answers.',
    authScopes: { apiKey: true },
    args: { pairs: t.arg.stringList({ required: true }) },
    resolve: (_root, { pairs }, ctx) => {
      if (pairs.length === 0 || pairs.length > 50) throw new ValidationError('pairs', 'name 1 to 50 pairs');
      return ctx.services.rates.getRates(pairs.map((p, i) => parsePairKey(p, `pairs[${i}]`)));
    },
  }),
);
