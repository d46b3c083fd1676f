import { type BitcoindRpc, BitcoindRpcError, createBitcoindRpc, RPC_NOT_FOUND } from './bitcoind-rpc.ts';
import { BoundedSet } from './bounded-set.ts';
import { decodeHex, expectHash, isHash } from './hex.ts';
import { NodeUnavailableError, type UtxoBackend } from './utxo-backend.ts';

export interface BitcoindBackendOptions {
  /** JSON-RPC endpoint; credentials in the userinfo: `http://user:pass@127.0.0.1:8332/`. */
  url: string;
  /** Deadline of one HTTP request, body included; default 10 s. */
  timeoutMs?: number;
  /**
   * Most transactions one getMempoolTransactions call fetches (default 5,000). A first poll of a
   * mainnet mempool holds 100,000 or more: it is taken in slices over several polls rather than
   * in one call that outlives its job.
   */
  mempoolFetchLimit?: number;
  /** getrawtransaction calls per JSON-RPC batch; default 250. */
  batchSize?: number;
  /** Txids remembered as already returned; default 1,000,000 (the mempool prunes it anyway). */
  seenCapacity?: number;
}

/**
 * UtxoBackend over Bitcoin Core-compatible JSON-RPC (bitcoind, litecoind, BCHN, dogecoind).
 *
 * getMempoolTransactions ignores `addresses`: the node cannot filter its mempool by address, so
 * it lists every txid and returns the transactions it has not returned before, which the caller
 * matches itself. Txids that leave the mempool are forgotten, so a transaction that comes back
 * (after a reorg) is returned again.
 *
 * @example
 * const backend = createBitcoindBackend({ url: 'http://kassa:secret@127.0.0.1:8332/' });
 * const { height, hash } = await backend.getTip();
 * const block = matchBlock(await backend.getRawBlock(hash), watchedScripts, watchedOutpoints);
 */
export function createBitcoindBackend(options: BitcoindBackendOptions): UtxoBackend {
  const rpc = createBitcoindRpc({ url: options.url, timeoutMs: options.timeoutMs ?? 10_000 });
  const fetchLimit = options.mempoolFetchLimit ?? 5_000;
  const batchSize = options.batchSize ?? 250;
  const seen = new BoundedSet<string>(options.seenCapacity ?? 1_000_000);
  const getBlock = rawBlockGetter(rpc);

  return {
    kind: 'bitcoind',

    async getTip(signal) {
      // One call, so height and hash belong to the same block.
      const info = (await rpc.call('getblockchaininfo', [], signal)) as {
        blocks?: unknown;
        bestblockhash?: unknown;
      };
      if (!Number.isSafeInteger(info?.blocks) || !isHash(info?.bestblockhash))
        throw new NodeUnavailableError('bitcoind getblockchaininfo: answer without blocks and bestblockhash');
      return { height: info.blocks as number, hash: (info.bestblockhash as string).toLowerCase() };
    },

    async getBlockHash(height, signal) {
      if (!Number.isSafeInteger(height) || height < 0)
        throw new RangeError(`height must be a whole number ≥ 0, got ${height}`);
      return hashResult('getblockhash', await rpc.call('getblockhash', [height], signal));
    },

    async getRawBlock(hash, signal) {
      return getBlock(expectHash(hash, 'block hash'), signal);
    },

    async getMempoolTransactions(_addresses, signal) {
      const listed = await rpc.call('getrawmempool', [], signal);
      if (!Array.isArray(listed) || !listed.every(isHash))
        throw new NodeUnavailableError('bitcoind getrawmempool: not a list of txids');
      const inMempool = new Set(listed.map((txid) => txid.toLowerCase()));
      seen.retainOnly(inMempool);
      const fresh = [...inMempool].filter((txid) => !seen.has(txid)).slice(0, fetchLimit);

      const found: Array<{ txid: string; raw: Uint8Array }> = [];
      const gone: string[] = [];
      for (let i = 0; i < fresh.length; i += batchSize) {
        const txids = fresh.slice(i, i + batchSize);
        const outcomes = await rpc.batch(
          txids.map((txid) => ({ method: 'getrawtransaction', params: [txid] })),
          signal,
        );
        outcomes.forEach((outcome, j) => {
          if ('error' in outcome) {
            // Mined or evicted since getrawmempool: nothing to return, and nothing to ask again.
            if (outcome.error.code === RPC_NOT_FOUND) gone.push(txids[j]);
            else throw outcome.error;
          } else {
            found.push({ txid: txids[j], raw: hexResult('getrawtransaction', outcome.result) });
          }
        });
      }
      // Marked only once the whole answer is in hand: a failed call leaves them to the next poll.
      for (const txid of gone) seen.add(txid);
      for (const { txid } of found) seen.add(txid);
      return { fresh: found.map((f) => f.raw), txids: inMempool };
    },

    async getRawTransaction(txid, signal) {
      try {
        const hex = await rpc.call('getrawtransaction', [expectHash(txid, 'txid')], signal);
        return hexResult('getrawtransaction', hex);
      } catch (error) {
        if (error instanceof BitcoindRpcError && error.code === RPC_NOT_FOUND) return undefined;
        throw error;
      }
    },
  };
}

/**
 * getblock with verbosity 0. Nodes forked before Bitcoin Core 0.15 (dogecoind 1.14) take a
 * boolean `verbose` instead and fail on the number with a type error; after one such failure the
 * backend asks with `false` from then on.
 */
function rawBlockGetter(rpc: BitcoindRpc) {
  let verbosity: number | boolean = 0;
  return async (hash: string, signal?: AbortSignal): Promise<Uint8Array> => {
    try {
      return hexResult('getblock', await rpc.call('getblock', [hash, verbosity], signal));
    } catch (error) {
      const typeError =
        error instanceof BitcoindRpcError && [-1, -3].includes(error.code) && /bool/i.test(error.message);
      if (!typeError || verbosity === false) throw error;
      verbosity = false;
      return hexResult('getblock', await rpc.call('getblock', [hash, verbosity], signal));
    }
  };
}

function hashResult(method: string, result: unknown): string {
  if (!isHash(result))
    throw new NodeUnavailableError(`bitcoind ${method}: not a hash: ${String(result).slice(0, 80)}`);
  return result.toLowerCase();
}

function hexResult(method: string, result: unknown): Uint8Array {
  const bytes = typeof result === 'string' ? decodeHex(result) : undefined;
  if (!bytes || bytes.length === 0) throw new NodeUnavailableError(`bitcoind ${method}: not a hex string`);
  return bytes;
}
