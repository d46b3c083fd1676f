import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import type { Hex } from 'viem';

/**
 * Keys of the local development chain. Both come from anvil's own PUBLISHED test mnemonic:
 * anyone can spend from them, so they are for development only and never for real funds.
 */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/**
 * The development store's wallet: account 1 (m/44'/60'/1'), not account 0. anvil funds
 * m/44'/60'/0'/0/0-9 as its dev accounts; a store wallet on account 0 would hand out those very
 * addresses, and `kassa pay` would then pay an invoice from its own deposit address.
 */
export const DEV_WALLET_PATH = "m/44'/60'/1'";

/** anvil's funded dev account 0 (m/44'/60'/0'/0/0, 0xf39F…2266): the payer of `kassa pay`. */
export const DEV_PAYER_PATH = "m/44'/60'/0'/0/0";

const root = () => HDKey.fromMasterSeed(mnemonicToSeedSync(DEV_MNEMONIC));

/** The watch-only extended public key of the development store's wallet. */
export function devWalletExtendedKey(): string {
  return root().derive(DEV_WALLET_PATH).publicExtendedKey;
}

/** Private key of the dev payer account (published by anvil itself). */
export function devPayerPrivateKey(): Hex {
  const key = root().derive(DEV_PAYER_PATH).privateKey;
  if (!key) throw new Error('no private key at the dev payer path');
  return `0x${Buffer.from(key).toString('hex')}`;
}
