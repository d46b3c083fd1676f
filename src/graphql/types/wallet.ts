import { addWallet } from '../../app/add-wallet.ts';
import { keyStoreId } from '../auth-helpers.ts';
import { builder } from '../builder.ts';

builder.prismaObject('Wallet', {
  description: "A store's watch-only HD account on one chain (an extended public key).",
  fields: (t) => ({
    id: t.exposeID('id'),
    chain: t.exposeString('chain'),
    label: t.exposeString('label', { nullable: true }),
    extendedKey: t.exposeString('extendedKey', {
      description: 'The extended public key (never a private key).',
    }),
    scriptType: t.exposeString('scriptType', { description: 'p2wpkh, p2sh-p2wpkh, p2pkh, p2tr or evm.' }),
    derivedCount: t.exposeInt('nextIndex', { description: 'Addresses derived so far.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AddWalletInput = builder.inputType('AddWalletInput', {
  fields: (t) => ({
    chain: t.string({ required: true, description: 'A configured chain, e.g. bitcoin or ethereum.' }),
    extendedKey: t.string({
      required: true,
      description:
        "Account-level xpub/ypub/zpub (tpub/upub/vpub on testnets; Ltub/Mtub, dgub); EVM: m/44'/60'/0' xpub.",
    }),
    scriptType: t.string({
      required: false,
      description:
        'p2wpkh (BIP84), p2sh-p2wpkh (BIP49), p2pkh (BIP44) or p2tr (BIP86); default from the key version.',
    }),
    label: t.string({ required: false }),
  }),
});

builder.queryField('wallets', (t) =>
  t.prismaField({
    type: ['Wallet'],
    description: "The store's wallets, newest first; the newest of a chain receives new invoices.",
    authScopes: { scope: 'wallets:manage' },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.wallet.findMany({
        ...query,
        where: { storeId: keyStoreId(ctx) },
        orderBy: { createdAt: 'desc' },
      }),
  }),
);

builder.mutationField('addWallet', (t) =>
  t.prismaField({
    type: 'Wallet',
    description: 'Adds a watch-only wallet from an extended public key; refuses private keys.',
    authScopes: { scope: 'wallets:manage' },
    args: { input: t.arg({ type: AddWalletInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) => addWallet(ctx.services, keyStoreId(ctx), input),
  }),
);
