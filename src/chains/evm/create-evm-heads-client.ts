import { type Chain, createPublicClient, type PublicClient, type WebSocketTransport, webSocket } from 'viem';
import type { EvmChainConfig } from '../chains-config.ts';
import { defineEvmChain } from './define-evm-chain.ts';

/**
 * A viem public client over `backend.wsUrl`, for new-heads subscriptions only (a hint to poll
 * now; every read still goes over HTTP through createEvmClient), or null when no WebSocket URL
 * is configured. The socket opens on first use and reconnects on its own; close it with
 * `(await client.transport.getRpcClient()).close()`.
 * @example
 * const heads = createEvmHeadsClient(chain);
 * const unwatch = heads?.watchBlockNumber({ onBlockNumber: () => pollSoon(), onError: log });
 */
export function createEvmHeadsClient(
  config: Pick<EvmChainConfig, 'name' | 'chainId' | 'backend'>,
  options: { timeoutMs?: number } = {},
): PublicClient<WebSocketTransport, Chain> | null {
  const { wsUrl } = config.backend;
  if (!wsUrl) return null;
  return createPublicClient({
    chain: defineEvmChain(config),
    transport: webSocket(wsUrl, { timeout: options.timeoutMs ?? 10_000, retryCount: 0 }),
    cacheTime: 0,
  });
}
