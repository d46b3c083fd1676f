import type { AssetConfig, ChainsConfig } from '../chains/chains-config.ts';
import { priceToUnits } from '../domain/decimal-units.ts';
import { KassaError, ValidationError } from '../domain/errors.ts';
import type { NormalizedInvoiceInput } from '../domain/invoice-input.ts';
import {
  isFiatCurrency,
  MAX_ASSET_UNITS,
  validateAssetAmount,
  validateFiatPrice,
} from '../domain/money-limits.ts';
import type { RateService } from '../rates/rate-service.ts';

export interface PlannedMethod {
  asset: AssetConfig;
  walletId: string;
  amountDue: bigint;
  /** Invoice currency per whole asset; null when the invoice is priced in this asset. */
  rate: string | null;
  rateSource: string | null;
}

/**
 * Decides the payment methods of a new invoice before its transaction starts: which assets,
 * which wallet serves each, and the amount due at a rate locked now. All the slow or remote
 * work (rates) happens here, outside the transaction.
 */
export async function planPaymentMethods(
  chains: ChainsConfig,
  rates: RateService,
  walletOfChain: ReadonlyMap<string, string>,
  input: NormalizedInvoiceInput,
): Promise<PlannedMethod[]> {
  const pricedInAsset = chains.assets[input.currency];
  if (!pricedInAsset) validateFiatPrice(input.price, input.currency);
  else validateAssetAmount(input.price, pricedInAsset.decimals);
  if (!pricedInAsset && !isFiatCurrency(input.currency))
    throw new ValidationError('currency', 'is neither a fiat currency nor a configured asset');

  let codes = input.assets;
  if (codes) {
    const unknown = codes.filter((c) => !chains.assets[c]);
    if (unknown.length > 0)
      throw new KassaError('UNKNOWN_ASSET', `unknown asset ${unknown.join(', ')}`, {
        details: { assets: unknown },
      });
    const noWallet = codes.filter((c) => !walletOfChain.has(chains.assets[c].chain));
    if (noWallet.length > 0)
      throw new KassaError('NO_WALLET', `the store has no wallet for ${noWallet.join(', ')}`, {
        details: { assets: noWallet },
      });
  } else {
    codes = Object.keys(chains.assets).filter((c) => walletOfChain.has(chains.assets[c].chain));
    if (codes.length === 0)
      throw new KassaError('NO_WALLET', 'the store has no wallet for any configured asset');
  }

  const assets = codes.map((c) => chains.assets[c]);
  const needRates = assets.filter((a) => a !== pricedInAsset);
  const quoteSymbol = pricedInAsset ? pricedInAsset.rateSymbol : input.currency;
  const quotes =
    needRates.length > 0
      ? await rates.getRates(needRates.map((a) => ({ base: a.rateSymbol, quote: quoteSymbol })))
      : [];

  return assets.map((asset) => {
    const walletId = walletOfChain.get(asset.chain)!;
    if (asset === pricedInAsset) {
      return {
        asset,
        walletId,
        amountDue: validateAssetAmount(input.price, asset.decimals),
        rate: null,
        rateSource: null,
      };
    }
    const quote = quotes[needRates.indexOf(asset)];
    const amountDue = priceToUnits({ price: input.price, rate: quote.rate, decimals: asset.decimals });
    if (amountDue > MAX_ASSET_UNITS)
      throw new ValidationError('price', 'is too large to pay in ' + asset.code);
    return { asset, walletId, amountDue, rate: quote.rate, rateSource: quote.source };
  });
}
