import type { AssetConfig } from '../../chains/chains-config.ts';
import { builder } from '../builder.ts';

export const AssetRef = builder.objectRef<AssetConfig>('Asset').implement({
  description: 'Something payable: a chain and, for tokens, a contract.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'e.g. BTC, ETH, USDT_ETH.' }),
    name: t.exposeString('name'),
    chain: t.exposeString('chain'),
    decimals: t.exposeInt('decimals', { description: 'Amounts are integers in units of 10^-decimals.' }),
    tokenContract: t.string({ nullable: true, resolve: (a) => a.token ?? null }),
    confirmations: t.int({
      description: 'Confirmations required above every tier (the highest requirement).',
      resolve: (a) =>
        Math.max(a.confirmations.confirmations, ...(a.confirmations.tiers ?? []).map((x) => x.confirmations)),
    }),
  }),
});

builder.queryField('assets', (t) =>
  t.field({
    type: [AssetRef],
    description: 'Every asset this Kassa accepts, from its chains configuration.',
    authScopes: { public: true },
    resolve: (_root, _args, ctx) => Object.values(ctx.services.chains.assets),
  }),
);
