import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { parseExtendedKey } from './utxo/parse-extended-key.ts';
import { deriveUtxoAddress, deriveUtxoAddresses } from './utxo/derive-address.ts';
import { parseEvmExtendedKey } from './evm/parse-evm-extended-key.ts';
import { deriveEvmAddress } from './evm/derive-evm-address.ts';
import { utxoAddressToScript } from './utxo/validate-address.ts';
const root = HDKey.fromMasterSeed(mnemonicToSeedSync('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'));
const x = (p: string) => HDKey.fromExtendedKey(root.derive(p).publicExtendedKey).publicExtendedKey;
const k84 = parseExtendedKey(x("m/84'/0'/0'"), 'bitcoin', 'p2wpkh');
console.log(k84.prefix, k84.normalized.slice(0, 20), deriveUtxoAddresses(k84, 0, 2).map(a => a.address), deriveUtxoAddress(k84, 0, 1).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/49'/0'/0'"), 'bitcoin', 'p2sh-p2wpkh'), 0).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/86'/0'/0'"), 'bitcoin', 'p2tr'), 0).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/44'/0'/0'"), 'bitcoin'), 0).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/44'/145'/0'"), 'bitcoin-cash'), 0).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/44'/3'/0'"), 'dogecoin'), 0).address);
console.log(deriveUtxoAddress(parseExtendedKey(x("m/84'/2'/0'"), 'litecoin', 'p2wpkh'), 0).address);
const tr = HDKey.fromMasterSeed(mnemonicToSeedSync('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'), {public: 0x043587cf, private: 0x04358394});
console.log(deriveUtxoAddress(parseExtendedKey(HDKey.fromExtendedKey(tr.derive("m/49'/1'/0'").publicExtendedKey, tr.versions).publicExtendedKey, 'bitcoin', 'p2sh-p2wpkh', 'testnet'), 0).address);
console.log(deriveEvmAddress(parseEvmExtendedKey(x("m/44'/60'/0'")), 0).address, deriveEvmAddress(parseEvmExtendedKey(x("m/44'/60'/0'/0")), 0).address);
console.log(Buffer.from(utxoAddressToScript('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoin-cash')).toString('hex'));
console.log(Buffer.from(utxoAddressToScript('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin')).toString('hex'));
for (const [a, c, k] of [['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'bitcoin', 'mainnet'], ['ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt', 'bitcoin', 'mainnet'], ['qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'bitcoin-cash', 'testnet'], ['3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'litecoin', 'mainnet'], ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'dogecoin', 'mainnet']] as const) {
  try { utxoAddressToScript(a, c, k); console.log('accepted?!', a); } catch (e: any) { console.log(e.code, e.message); }
}
for (const [t, c, s] of [[x("m/84'/0'/0'"), 'dogecoin', undefined], [root.derive("m/84'/0'/0'").privateExtendedKey, 'bitcoin', undefined], [x("m/84'/0'/0'"), 'bitcoin', 'p2pkh'], ['garbage', 'bitcoin', undefined], [x("m/44'/0'/0'/0"), 'bitcoin', undefined], [x("m/44'/0'/0'"), 'bitcoin-cash', 'p2wpkh']] as const) {
  try { parseExtendedKey(t, c, s as any); console.log('accepted?!'); } catch (e: any) { console.log(e.code, e.message, JSON.stringify(e.details)); }
}
