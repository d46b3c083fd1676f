import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { loadChainsConfig } from '../../src/chains/chains-config.ts';

/** The chains fixture: bitcoin, bitcoin-cash, ethereum (ETH + USDT_ETH), fixed rates. */
export const TEST_CHAINS_PATH = new URL('../fixtures/chains.test.json', import.meta.url).pathname;
export const testChains = () => loadChainsConfig(TEST_CHAINS_PATH);

/** The published test mnemonic (BIP84/BIP44 vectors): never for real funds. */
export const TEST_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

const root = HDKey.fromMasterSeed(mnemonicToSeedSync(TEST_MNEMONIC));

/** Account-level extended public key at `path` of the test mnemonic. */
export function accountXpub(path: string): string {
  return root.derive(path).publicExtendedKey;
}

/** BIP84 account 0 (first receive address bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu). */
export const BTC_XPUB = accountXpub("m/84'/0'/0'");
/** m/44'/60'/0' (first address 0x9858EfFD232B4033E47d90003D41EC34EcaEda94). */
export const ETH_XPUB = accountXpub("m/44'/60'/0'");
