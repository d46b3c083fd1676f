/**
 * The chain changed while a scan was reading it (a reorg between two requests, or a load
 * balancer answering from nodes at different tips): what was read does not fit together.
 * Nothing from the scan may be used; scan again from the stored cursor.
 */
export class EvmChainMovedError extends Error {
  override name = 'EvmChainMovedError';
  readonly blockNumber: bigint;

  /** @example new EvmChainMovedError(120n, 'its log names block 0xab.. but the block read was 0xcd..') */
  constructor(blockNumber: bigint, problem: string) {
    super(`block ${blockNumber} changed during the scan: ${problem}`);
    this.blockNumber = blockNumber;
  }
}
