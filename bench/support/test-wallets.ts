import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';

/**
 * Watch-only wallets of the published test mnemonic (`abandon` ×11 `about`), never for real
 * funds: what a benchmark adds to its store with the `addWallet` mutation. The first receive
 * address of each is a published vector, so a benchmark can check that Kassa derived it.
 */
export const TEST_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

export interface TestWallet {
  chain: string;
  extendedKey: string;
  scriptType?: string;
  /** The address at index 0 of the receive chain. */
  firstAddress: string;
}

export function testWallets(): TestWallet[] {
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(TEST_MNEMONIC));
  const xpub = (path: string) => root.derive(path).publicExtendedKey;
  return [
    {
      chain: 'bitcoin',
      // BIP84 account 0, given as an xpub with the script type named (a zpub would imply it).
      extendedKey: xpub("m/84'/0'/0'"),
      scriptType: 'p2wpkh',
      firstAddress: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
    },
    {
      chain: 'ethereum',
      extendedKey: xpub("m/44'/60'/0'"),
      firstAddress: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94',
    },
  ];
}
