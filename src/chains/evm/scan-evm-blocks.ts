import { type Client, getAddress, type Hex, hexToBigInt, numberToHex, type RpcLog } from 'viem';
import { getBlock, getTransactionReceipt } from 'viem/actions';
import { EvmChainMovedError } from './evm-chain-moved-error.ts';
import type { EvmBlockRef, EvmTransfer } from './evm-types.ts';
import { isLogsRangeError } from './is-logs-range-error.ts';
import { toEvmBlockRef } from './to-evm-block-ref.ts';

export { getEvmBlockRef } from './get-evm-block-ref.ts';
export { getEvmTip } from './get-evm-tip.ts';

export interface ScanEvmBlocksOptions {
  fromBlock: bigint;
  /** Inclusive. A range with toBlock < fromBlock is empty. */
  toBlock: bigint;
  /** Recipients to report, as lowercase 0x addresses. */
  watched: ReadonlySet<string>;
  /** ERC-20 contracts whose Transfer logs count. */
  tokens: readonly `0x${string}`[];
  /** Largest eth_getLogs block range the provider accepts (EvmChainConfig.logsBlockRange). */
  logsBlockRange: number;
  /** Blocks (and receipts) requested at once; default 8. */
  concurrency?: number;
  /**
   * Up to this many watched addresses go into the eth_getLogs topic filter; with more, every
   * Transfer of the tokens is fetched and filtered here. Default 500 (geth refuses over 1,000).
   */
  maxTopicAddresses?: number;
}

export interface EvmScannedBlock extends EvmBlockRef {
  /** Unix seconds. */
  timestamp: bigint;
}

export interface EvmScan {
  /** Every block of the range, ascending, for reorg detection. */
  blocks: EvmScannedBlock[];
  /** Credits to watched addresses, by block then log index (native transfers, -1, first). */
  transfers: EvmTransfer[];
}

/** keccak256("Transfer(address,address,uint256)") */
const TRANSFER_TOPIC: Hex = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/**
 * Reads blocks [fromBlock, toBlock] and finds what they paid to watched addresses: native coin
 * sent by a transaction's `to` (only when its receipt says success: a reverted transaction moves
 * nothing) and ERC-20 Transfer logs of the configured tokens. Coin sent by a contract (an
 * internal transfer) is not seen. eth_getLogs goes in chunks of at most logsBlockRange blocks,
 * and a chunk the provider refuses as too large is halved until it passes.
 *
 * Everything read is checked to belong to one chain (consecutive parent hashes, log and receipt
 * block hashes); if the chain moved during the scan it throws EvmChainMovedError.
 * @example
 * const { blocks, transfers } = await scanEvmBlocks(client, {
 *   fromBlock: 100n, toBlock: 111n, watched: new Set(['0x9858effd232b4033e47d90003d41ec34ecaeda94']),
 *   tokens: ['0xdAC17F958D2ee523a2206206994597C13D831ec7'], logsBlockRange: 2000,
 * });
 */
export async function scanEvmBlocks(client: Client, options: ScanEvmBlocksOptions): Promise<EvmScan> {
  const { fromBlock, toBlock, watched, logsBlockRange } = options;
  if (!Number.isSafeInteger(logsBlockRange) || logsBlockRange < 1) {
    throw new RangeError(`logsBlockRange must be a positive integer, not ${logsBlockRange}`);
  }
  if (toBlock < fromBlock) return { blocks: [], transfers: [] };

  const numbers: bigint[] = [];
  for (let n = fromBlock; n <= toBlock; n++) numbers.push(n);
  const read = await mapConcurrently(numbers, options.concurrency ?? 8, (n) => readBlock(client, n, watched));
  const blocks = read.map((r) => r.ref);
  for (let i = 1; i < blocks.length; i++) {
    if (blocks[i].parentHash !== blocks[i - 1].hash) {
      throw new EvmChainMovedError(
        blocks[i].number,
        `its parent is ${blocks[i].parentHash}, not ${blocks[i - 1].hash}`,
      );
    }
  }
  const hashes = new Map(blocks.map((b) => [b.number, b.hash]));
  const transfers = read.flatMap((r) => r.transfers);
  if (options.tokens.length > 0 && watched.size > 0) {
    const logs = await getTransferLogs(client, options);
    transfers.push(...logs.map((log) => toTransfer(log, hashes)));
  }
  // Stable: native transfers stay in transaction order within their block.
  transfers.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  return { blocks, transfers };
}

async function readBlock(client: Client, blockNumber: bigint, watched: ReadonlySet<string>) {
  const block = await getBlock(client, { blockNumber, includeTransactions: true });
  const ref: EvmScannedBlock = { ...toEvmBlockRef(block), timestamp: block.timestamp };
  const candidates = block.transactions.filter(
    (tx) => tx.to !== null && tx.value > 0n && watched.has(tx.to.toLowerCase()),
  );
  const transfers: EvmTransfer[] = [];
  for (const tx of candidates) {
    const receipt = await getTransactionReceipt(client, { hash: tx.hash });
    if (receipt.blockHash !== ref.hash) {
      throw new EvmChainMovedError(
        blockNumber,
        `transaction ${tx.hash} is now in block ${receipt.blockHash}`,
      );
    }
    if (receipt.status !== 'success') continue;
    transfers.push({
      txHash: tx.hash,
      logIndex: -1,
      blockNumber: ref.number,
      blockHash: ref.hash,
      from: getAddress(tx.from),
      to: getAddress(tx.to!),
      token: null,
      amount: tx.value,
    });
  }
  return { ref, transfers };
}

/** Transfer logs of the tokens to watched addresses, chunk by chunk, halving refused chunks. */
async function getTransferLogs(client: Client, options: ScanEvmBlocksOptions): Promise<RpcLog[]> {
  const { watched, tokens, logsBlockRange } = options;
  const tokenSet = new Set(tokens.map((t) => t.toLowerCase()));
  const toTopics =
    watched.size <= (options.maxTopicAddresses ?? 500)
      ? [...watched].map((address) => `0x${address.slice(2).padStart(64, '0')}` as Hex)
      : null;
  const filter = { address: [...tokenSet] as Hex[], topics: [TRANSFER_TOPIC, null, toTopics] };
  const logs: RpcLog[] = [];
  const step = BigInt(logsBlockRange);
  for (let start = options.fromBlock; start <= options.toBlock; start += step) {
    const end = start + step - 1n < options.toBlock ? start + step - 1n : options.toBlock;
    for (const log of await getLogsSplitting(client, filter, start, end)) {
      // Filter here too: past maxTopicAddresses the node sends every Transfer of the tokens.
      if (log.removed || !tokenSet.has(log.address.toLowerCase())) continue;
      if (log.topics.length !== 3 || log.topics[0] !== TRANSFER_TOPIC || log.data.length !== 66) continue;
      if (!watched.has(topicAddress(log.topics[2]!)) || hexToBigInt(log.data) === 0n) continue;
      logs.push(log);
    }
  }
  return logs;
}

type LogsFilter = { address: Hex[]; topics: (Hex | Hex[] | null)[] };

async function getLogsSplitting(
  client: Client,
  filter: LogsFilter,
  from: bigint,
  to: bigint,
): Promise<RpcLog[]> {
  try {
    return await client.request({
      method: 'eth_getLogs',
      params: [{ ...filter, fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
    });
  } catch (error) {
    if (from === to || !isLogsRangeError(error)) throw error;
    const middle = from + (to - from) / 2n;
    const first = await getLogsSplitting(client, filter, from, middle);
    return first.concat(await getLogsSplitting(client, filter, middle + 1n, to));
  }
}

function toTransfer(log: RpcLog, hashes: ReadonlyMap<bigint, `0x${string}`>): EvmTransfer {
  const blockNumber = hexToBigInt(log.blockNumber!);
  const expected = hashes.get(blockNumber);
  if (log.blockHash !== expected) {
    throw new EvmChainMovedError(
      blockNumber,
      `a log names block ${log.blockHash}, the block read was ${expected}`,
    );
  }
  return {
    txHash: log.transactionHash!,
    logIndex: Number(log.logIndex!),
    blockNumber,
    blockHash: expected,
    from: getAddress(topicAddress(log.topics[1]!)),
    to: getAddress(topicAddress(log.topics[2]!)),
    token: getAddress(log.address),
    amount: hexToBigInt(log.data),
  };
}

/** The lowercase address in an indexed address topic (its last 20 bytes). */
function topicAddress(topic: Hex): string {
  return `0x${topic.slice(26).toLowerCase()}`;
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failed = true; // the other workers stop taking items: the scan is lost anyway
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
