import { BlockNotFoundError, type Client } from 'viem';
import { getBlock } from 'viem/actions';
import type { EvmBlockRef } from './evm-types.ts';
import { toEvmBlockRef } from './to-evm-block-ref.ts';

/**
 * The block the node has at `number` on its current chain, or null when it has none (past its
 * tip). Compare the hash with a stored one to see whether that height was reorganised.
 * @example
 * const ref = await getEvmBlockRef(client, cursor.number);
 * if (ref?.hash !== cursor.hash) rewind();
 */
export async function getEvmBlockRef(client: Client, number: bigint): Promise<EvmBlockRef | null> {
  try {
    return toEvmBlockRef(await getBlock(client, { blockNumber: number }));
  } catch (error) {
    if (error instanceof BlockNotFoundError) return null;
    throw error;
  }
}
