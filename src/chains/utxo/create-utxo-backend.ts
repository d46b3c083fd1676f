import type { UtxoChainConfig } from '../chains-config.ts';
import { createBitcoindBackend } from './bitcoind-backend.ts';
import { createEsploraBackend } from './esplora-backend.ts';
import type { UtxoBackend } from './utxo-backend.ts';

export interface UtxoBackendOptions {
  /** Deadline of one HTTP request to the node, body included; default 10 s. */
  timeoutMs?: number;
}

/**
 * The backend a UTXO chain's configuration names.
 *
 * @example
 * const backend = createUtxoBackend({ backend: { kind: 'esplora', url: 'https://mempool.space/api' } });
 * await backend.getTip(); // { height: 870000, hash: '0000…' }
 */
export function createUtxoBackend(
  chain: Pick<UtxoChainConfig, 'backend'>,
  options: UtxoBackendOptions = {},
): UtxoBackend {
  const { backend } = chain;
  switch (backend.kind) {
    case 'bitcoind':
      return createBitcoindBackend({ url: backend.url, timeoutMs: options.timeoutMs });
    case 'esplora':
      return createEsploraBackend({ url: backend.url, timeoutMs: options.timeoutMs });
    default:
      throw new RangeError(`unknown UTXO backend kind ${(backend as { kind: unknown }).kind}`);
  }
}
