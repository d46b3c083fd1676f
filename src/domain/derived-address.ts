/** An address derived from a wallet's extended public key at one index. */
export interface DerivedAddress {
  index: number;
  address: string;
  /** scriptPubKey for UTXO chains (what block scans match); null on EVM chains. */
  script: Uint8Array | null;
}
