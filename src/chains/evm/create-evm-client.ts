import { type Chain, createPublicClient, type HttpTransport, http, type PublicClient } from 'viem';
import type { EvmChainConfig } from '../chains-config.ts';
import { defineEvmChain } from './define-evm-chain.ts';

export interface CreateEvmClientOptions {
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

/**
 * The viem public client (JSON-RPC over HTTP) every read of a chain watcher goes through. It
 * neither retries (retryCount 0: the watcher retries whole passes with its own backoff) nor
 * caches (cacheTime 0: viem would answer getBlockNumber from a 4 s cache). For new-heads
 * subscriptions over `backend.wsUrl`, see createEvmHeadsClient.
 * @example
 * const client = createEvmClient(chain);
 * const scan = await scanEvmBlocks(client, { fromBlock, toBlock, watched, tokens, logsBlockRange: chain.logsBlockRange });
 */
export function createEvmClient(
  config: Pick<EvmChainConfig, 'name' | 'chainId' | 'backend'>,
  options: CreateEvmClientOptions = {},
): PublicClient<HttpTransport, Chain> {
  return createPublicClient({
    chain: defineEvmChain(config),
    transport: http(config.backend.url, { timeout: options.timeoutMs ?? 10_000, retryCount: 0 }),
    cacheTime: 0,
  });
}
