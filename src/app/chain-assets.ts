import type { AssetConfig, ChainsConfig } from '../chains/chains-config.ts';

/** The chain's own coin (the asset of that chain without a token contract). */
export function nativeAssetOf(chains: ChainsConfig, chain: string): AssetConfig | undefined {
  return Object.values(chains.assets).find((a) => a.chain === chain && !a.token);
}

/** Token contracts of a chain, by lowercase address. */
export function tokenAssetsOf(chains: ChainsConfig, chain: string): Map<string, AssetConfig> {
  return new Map(
    Object.values(chains.assets)
      .filter((a) => a.chain === chain && a.token)
      .map((a) => [(a.token as string).toLowerCase(), a]),
  );
}
