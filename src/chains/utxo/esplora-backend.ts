import { BackendConfigError } from './backend-config-error.ts';
import { BoundedSet } from './bounded-set.ts';
import { expectHash, isHash } from './hex.ts';
import { mapConcurrently } from './map-concurrently.ts';
import { excerpt, requestNode, safeUrl } from './node-request.ts';
import { NodeUnavailableError, type UtxoBackend } from './utxo-backend.ts';

export interface EsploraBackendOptions {
  /** The API root: `https://blockstream.info/api`, `https://mempool.space/api`, `http://127.0.0.1:3002`. */
  url: string;
  /** Deadline of one HTTP request, body included; default 10 s. */
  timeoutMs?: number;
  /** Requests in flight at once during a mempool scan; default 8 (public servers throttle bursts). */
  concurrency?: number;
  /** Txids remembered as already returned; default 100,000, least recently listed forgotten first. */
  seenCapacity?: number;
}

/**
 * What a 404 means on each path: nothing there (undefined), a node out of step with the caller
 * (unavailable: retry), or a URL that is not an Esplora API root (config).
 */
type NotFound = 'undefined' | 'unavailable' | 'config';

/**
 * UtxoBackend over the Esplora REST API (blockstream.info, mempool.space, electrs).
 *
 * getMempoolTransactions lists each address's mempool transactions and downloads, raw, only the
 * ones it has not returned before: a payment's transaction is fetched once however many polls
 * see it pending.
 *
 * @example
 * const backend = createEsploraBackend({ url: 'https://mempool.space/api' });
 * const fresh = await backend.getMempoolTransactions(['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu']);
 */
export function createEsploraBackend(options: EsploraBackendOptions): UtxoBackend {
  const base = safeUrl(options.url).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const seen = new BoundedSet<string>(options.seenCapacity ?? 100_000);

  function get<T>(path: string, notFound: NotFound, read: (r: Response) => Promise<T>, signal?: AbortSignal) {
    const label = `esplora GET ${base}${path}`;
    return requestNode(
      { url: `${base}${path}`, init: { method: 'GET' }, timeoutMs, signal, label },
      async (response): Promise<T | undefined> => {
        if (response.ok) return read(response);
        const body = await excerpt(response);
        const detail = `HTTP ${response.status}${body ? `: ${body}` : ''}`;
        if (response.status === 404 && notFound === 'undefined') return undefined;
        if (response.status === 404 && notFound === 'config')
          throw new BackendConfigError(`${label}: ${detail}; is ${base} the API root (often …/api)?`);
        if (
          response.status >= 500 ||
          response.status === 404 ||
          response.status === 408 ||
          response.status === 429
        )
          throw new NodeUnavailableError(`${label}: ${detail}`);
        throw new BackendConfigError(`${label}: ${detail}`);
      },
    );
  }
  const text = async (path: string, signal?: AbortSignal, notFound: NotFound = 'unavailable') =>
    (await get(path, notFound, (r) => r.text(), signal))!.trim();
  const bytes = (path: string, notFound: NotFound, signal?: AbortSignal) =>
    get(path, notFound, async (r) => new Uint8Array(await r.arrayBuffer()), signal);

  async function blockHash(height: number, signal?: AbortSignal): Promise<string> {
    const hash = await text(`/block-height/${height}`, signal);
    if (!isHash(hash))
      throw new NodeUnavailableError(
        `esplora /block-height/${height}: not a hash: ${String(hash).slice(0, 80)}`,
      );
    return hash.toLowerCase();
  }

  async function mempoolTxids(address: string, signal?: AbortSignal): Promise<string[]> {
    const path = `/address/${encodeURIComponent(address)}/txs/mempool`;
    const list = await get(path, 'unavailable', (r) => r.json() as Promise<unknown>, signal);
    if (!Array.isArray(list)) throw new NodeUnavailableError(`esplora ${path}: not a list`);
    return list.map((tx: { txid?: unknown }) => {
      if (!isHash(tx?.txid)) throw new NodeUnavailableError(`esplora ${path}: a transaction without txid`);
      return tx.txid.toLowerCase();
    });
  }

  return {
    kind: 'esplora',

    async getTip(signal) {
      // /blocks/tip/hash and /blocks/tip/height are two requests that a new block can fall
      // between; the hash of the height just read always makes a pair from one chain.
      const height = Number(await text('/blocks/tip/height', signal, 'config'));
      if (!Number.isSafeInteger(height) || height < 0)
        throw new NodeUnavailableError('esplora /blocks/tip/height: not a height');
      return { height, hash: await blockHash(height, signal) };
    },

    async getBlockHash(height, signal) {
      if (!Number.isSafeInteger(height) || height < 0)
        throw new RangeError(`height must be a whole number ≥ 0, got ${height}`);
      return blockHash(height, signal);
    },

    async getRawBlock(hash, signal) {
      return (await bytes(`/block/${expectHash(hash, 'block hash')}/raw`, 'unavailable', signal))!;
    },

    async getMempoolTransactions(addresses, signal) {
      const lists = await mapConcurrently(addresses, concurrency, (address) => mempoolTxids(address, signal));
      const fresh = new Set<string>();
      for (const txid of lists.flat()) {
        if (seen.has(txid))
          seen.add(txid); // still pending: keep it among the recent
        else fresh.add(txid);
      }
      const raws = await mapConcurrently([...fresh], concurrency, (txid) =>
        bytes(`/tx/${txid}/raw`, 'undefined', signal),
      );
      // Marked only once the whole answer is in hand: a failed call leaves them to the next poll.
      for (const txid of fresh) seen.add(txid);
      return { fresh: raws.filter((raw) => raw !== undefined), txids: new Set(lists.flat()) };
    },

    async getRawTransaction(txid, signal) {
      return bytes(`/tx/${expectHash(txid, 'txid')}/raw`, 'undefined', signal);
    },
  };
}
