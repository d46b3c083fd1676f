/** A credit to a watched address on an EVM chain: a native transfer or an ERC-20 Transfer log. */
export interface EvmTransfer {
  txHash: `0x${string}`;
  /** Log index for ERC-20; -1 for a native transfer (one per transaction). */
  logIndex: number;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  from: `0x${string}`;
  /** Checksummed recipient. */
  to: `0x${string}`;
  /** ERC-20 contract (checksummed); null for the native coin. */
  token: `0x${string}` | null;
  /** Smallest units (wei, token units). */
  amount: bigint;
}

export interface EvmBlockRef {
  number: bigint;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
}
