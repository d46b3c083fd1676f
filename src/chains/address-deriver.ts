import type { DerivedAddress } from '../domain/derived-address.ts';
import type { ChainConfig } from './chains-config.ts';

/** Turns a wallet's extended public key into addresses; chain-specific details stay behind it. */
export interface AddressDeriver {
  /** The key as stored (normalized) and the script type it derives. */
  readonly extendedKey: string;
  readonly scriptType: string;
  derive(from: number, count: number): DerivedAddress[];
}

export type CreateAddressDeriver = (
  chain: ChainConfig,
  extendedKey: string,
  scriptType?: string | null,
) => AddressDeriver;
