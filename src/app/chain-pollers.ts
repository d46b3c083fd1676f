import type { ChainConfig } from '../chains/chains-config.ts';
import { createEvmClient } from '../chains/evm/create-evm-client.ts';
import { createUtxoBackend } from '../chains/utxo/create-utxo-backend.ts';
import { pollEvmChain } from './poll-evm-chain.ts';
import { type PollResult, pollUtxoChain } from './poll-utxo-chain.ts';
import type { Services } from './services.ts';

export type ChainPoller = (options: { maxBlocks: number; signal?: AbortSignal }) => Promise<PollResult>;

/** One poller per chain, with its node client created once per process. */
export function createChainPoller(services: Services, chain: ChainConfig): ChainPoller {
  if (chain.family === 'utxo') {
    const backend = createUtxoBackend(chain);
    return (options) => pollUtxoChain(services, chain, backend, options);
  }
  const client = createEvmClient(chain);
  return (options) => pollEvmChain(services, chain, client, options);
}
