import type { AssetConfig, ChainConfig, UtxoCoin } from '../chains/chains-config.ts';
import { type Bip21Scheme, bip21Parts, eip681Parts, type UriParts } from '../domain/payment-uri.ts';

const BIP21_SCHEME: Record<UtxoCoin, Bip21Scheme> = {
  bitcoin: 'bitcoin',
  litecoin: 'litecoin',
  'bitcoin-cash': 'bitcoincash',
  dogecoin: 'dogecoin',
};

/**
 * The payment URI of an invoice's payment method, cut around the address it will get from the
 * pool: `before + address + after`. Pool addresses of Bitcoin Cash wallets are cashaddr with
 * their prefix (the URI scheme itself), those of other chains carry none.
 *
 * @example
 * paymentUriParts(bitcoin, btc, 150000n, 'Shop'); // { before: 'bitcoin:', after: '?amount=0.0015&label=Shop' }
 */
export function paymentUriParts(
  chain: ChainConfig,
  asset: AssetConfig,
  amount: bigint,
  label: string,
): UriParts {
  if (chain.family === 'utxo')
    return bip21Parts({
      scheme: BIP21_SCHEME[chain.coin],
      addressCarriesScheme: chain.coin === 'bitcoin-cash',
      amount,
      decimals: asset.decimals,
      label,
    });
  return eip681Parts({ chainId: chain.chainId, amount, token: asset.token });
}
