/**
 * BITCOIN CHAIN SIMULATOR — the test peer for Kassa's UTXO backends (no Bitcoin node can be
 * installed here). One in-process simulated chain, served over both protocols Kassa's adapters
 * speak: Bitcoin Core JSON-RPC (`rpcUrl`) and Esplora REST (`esploraUrl`).
 *
 *   const btc = await startBitcoinSimulator({ network: networks.bitcoin });
 *   const txid = await btc.sim.pay('bc1q…', 50_000n, { rbf: true }); // in the mempool
 *   await btc.sim.mine();                                           // in a block
 *   await btc.sim.reorg(2, { dropTxids: [txid] });                  // gone
 *   await btc.setDown(true); …; await btc.setDown(false);          // node down and back
 *   await btc.stop();
 *
 * Faithful: real serialized blocks and transactions (bitcoinjs parses them and checks merkle
 * roots, witness commitments and proof of work), real genesis blocks, coinbase maturity, a UTXO
 * set, Core's mempool acceptance errors and full-RBF replacement, reorgs that send transactions
 * back to the mempool, stale blocks still served by hash, txindex-like lookups, Core's and
 * electrs' response shapes, status codes and error messages.
 * Simplified: no script/signature verification of submitted transactions, no difficulty
 * adjustment (regtest target on every network), no P2P, no weight/sigop/dust limits, getblock
 * verbosity 2 and most wallet RPCs absent, one wallet key. See chain.ts for details.
 */

import { BitcoinSimulator, type BitcoinSimulatorOptions } from './chain.ts';
import { EsploraServer } from './esplora-server.ts';
import type { DownMode } from './http-switch.ts';
import { BitcoinRpcServer, type RpcServerOptions } from './rpc-server.ts';

export {
  BitcoinSimulator,
  type BitcoinSimulatorOptions,
  type PayOptions,
  type PayOutput,
  type ReorgOptions,
} from './chain.ts';
export type { BlockRecord, TxStatus } from './chain-state.ts';
export { EsploraServer } from './esplora-server.ts';
export type { DownMode } from './http-switch.ts';
export {
  buildLargeBlock,
  buildLargeBlockDetailed,
  type LargeBlock,
  type LargeBlockOptions,
} from './large-block.ts';
export { BitcoinRpcServer } from './rpc-server.ts';

export interface StartedBitcoinSimulator {
  sim: BitcoinSimulator;
  rpc: BitcoinRpcServer;
  esplora: EsploraServer;
  /** Bitcoin Core JSON-RPC endpoint (POST /). */
  rpcUrl: string;
  /** Esplora REST base URL (routes at its root, no /api prefix). */
  esploraUrl: string;
  /** Takes both servers down (or brings them back); see http-switch.ts for the modes. */
  setDown(down: boolean, mode?: DownMode): Promise<void>;
  stop(): Promise<void>;
}

export async function startBitcoinSimulator(
  options: BitcoinSimulatorOptions & { rpc?: RpcServerOptions } = {},
): Promise<StartedBitcoinSimulator> {
  const sim = new BitcoinSimulator(options);
  const rpc = new BitcoinRpcServer(sim, options.rpc);
  const esplora = new EsploraServer(sim);
  const [rpcUrl, esploraUrl] = await Promise.all([rpc.start(), esplora.start()]);
  return {
    sim,
    rpc,
    esplora,
    rpcUrl,
    esploraUrl,
    setDown: async (down, mode) => {
      await Promise.all([rpc.setDown(down, mode), esplora.setDown(down, mode)]);
    },
    stop: async () => {
      await Promise.all([rpc.stop(), esplora.stop()]);
    },
  };
}
