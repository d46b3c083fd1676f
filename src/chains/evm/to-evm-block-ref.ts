import type { EvmBlockRef } from './evm-types.ts';

/**
 * The (number, hash, parentHash) of a block viem returned. Only mined blocks have both; a
 * pending block is refused.
 * @example toEvmBlockRef(await getBlock(client, { blockNumber: 5n })) // { number: 5n, hash: '0x..', parentHash: '0x..' }
 */
export function toEvmBlockRef(block: {
  number: bigint | null;
  hash: `0x${string}` | null;
  parentHash: `0x${string}`;
}): EvmBlockRef {
  if (block.number === null || block.hash === null) throw new Error('a pending block has no number or hash');
  return { number: block.number, hash: block.hash, parentHash: block.parentHash };
}
