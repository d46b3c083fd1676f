import { type Chain, defineChain } from 'viem';
import type { EvmChainConfig } from '../chains-config.ts';

/**
 * A viem chain for a configured EVM chain. Only the id and the URLs matter to Kassa's reads;
 * the native currency is a placeholder (the asset configuration names the real one).
 * @example defineEvmChain({ name: 'ethereum', chainId: 1, backend: { kind: 'rpc', url } }).id // 1
 */
export function defineEvmChain(config: Pick<EvmChainConfig, 'name' | 'chainId' | 'backend'>): Chain {
  const { url, wsUrl } = config.backend;
  return defineChain({
    id: config.chainId,
    name: config.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url], webSocket: wsUrl ? [wsUrl] : undefined } },
  });
}
