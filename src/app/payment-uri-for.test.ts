import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { describe, expect, it } from 'vitest';
import { TEST_CHAINS_PATH } from '../../test/support/chains.ts';
import { loadChainsConfig } from '../chains/chains-config.ts';
import { createAddressDeriver } from '../chains/create-address-deriver.ts';
import { bip21Uri, eip681Uri } from '../domain/payment-uri.ts';
import { paymentUriParts } from './payment-uri-for.ts';

const chains = loadChainsConfig(TEST_CHAINS_PATH);
const root = HDKey.fromMasterSeed(
  mnemonicToSeedSync(
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  ),
);
const xpub = (path: string) => root.derive(path).publicExtendedKey;

/** Pool addresses exactly as a wallet of that chain derives them. */
const poolAddresses = (chain: string, path: string, scriptType?: string) =>
  createAddressDeriver(chains.chains[chain], xpub(path), scriptType)
    .derive(0, 3)
    .map((a) => a.address);

describe('paymentUriParts', () => {
  it('joined around a pool address, gives the URI of that address (bitcoin, bitcoin-cash cashaddr, ETH, ERC-20)', () => {
    const cases = [
      {
        asset: 'BTC',
        addresses: poolAddresses('bitcoin', "m/84'/0'/0'", 'p2wpkh'),
        scheme: 'bitcoin' as const,
      },
      {
        asset: 'BCH',
        addresses: poolAddresses('bitcoin-cash', "m/44'/145'/0'", 'p2pkh'),
        scheme: 'bitcoincash' as const,
      },
    ];
    for (const { asset, addresses, scheme } of cases) {
      const config = chains.assets[asset];
      const parts = paymentUriParts(chains.chains[config.chain], config, 123_456n, 'Book & Co');
      for (const address of addresses)
        expect(`${parts.before}${address}${parts.after}`).toBe(
          bip21Uri({ scheme, address, amount: 123_456n, decimals: config.decimals, label: 'Book & Co' }),
        );
    }
    // Bitcoin Cash pool addresses carry their prefix: it is the scheme, written once.
    const [bch] = poolAddresses('bitcoin-cash', "m/44'/145'/0'", 'p2pkh');
    expect(bch.startsWith('bitcoincash:')).toBe(true);

    for (const asset of ['ETH', 'USDT_ETH']) {
      const config = chains.assets[asset];
      const parts = paymentUriParts(chains.chains.ethereum, config, 10n ** 18n, 'ignored');
      for (const to of poolAddresses('ethereum', "m/44'/60'/0'"))
        expect(`${parts.before}${to}${parts.after}`).toBe(
          eip681Uri({ chainId: 1, to, amount: 10n ** 18n, token: config.token }),
        );
    }
  });
});
