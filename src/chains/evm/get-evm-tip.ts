import type { Client } from 'viem';
import { getBlockNumber } from 'viem/actions';

/**
 * The number of the node's latest block, never from viem's cache.
 * @example const tip = await getEvmTip(client); // 19000000n
 */
export async function getEvmTip(client: Client): Promise<bigint> {
  return getBlockNumber(client, { cacheTime: 0 });
}
