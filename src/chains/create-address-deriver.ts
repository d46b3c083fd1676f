import { ValidationError } from '../domain/errors.ts';
import type { AddressDeriver } from './address-deriver.ts';
import type { ChainConfig } from './chains-config.ts';
import { deriveEvmAddresses } from './evm/derive-evm-address.ts';
import { parseEvmExtendedKey } from './evm/parse-evm-extended-key.ts';
import type { ScriptType } from './extended-key-versions.ts';
import { deriveUtxoAddresses } from './utxo/derive-address.ts';
import { parseExtendedKey } from './utxo/parse-extended-key.ts';

const SCRIPT_TYPES: readonly ScriptType[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'];

/**
 * The deriver for a wallet on `chain`: parses (and so validates) the key once; each call to
 * `derive` then produces consecutive receive addresses with their output scripts.
 *
 * @example
 * const deriver = createAddressDeriver(chains.bitcoin, 'zpub6rFR7y4Q2AijBEqTUquh…');
 * deriver.derive(0, 1)[0].address; // 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'
 */
export function createAddressDeriver(
  chain: ChainConfig,
  extendedKey: string,
  scriptType?: string | null,
): AddressDeriver {
  if (chain.family === 'evm') {
    if (scriptType != null && scriptType !== 'evm')
      throw new ValidationError('scriptType', 'EVM wallets take no script type (or "evm")');
    const parsed = parseEvmExtendedKey(extendedKey);
    return {
      extendedKey: parsed.normalized,
      scriptType: 'evm',
      derive: (from, count) =>
        deriveEvmAddresses(parsed, from, count).map((a) => ({
          index: a.index,
          address: a.address,
          script: null,
        })),
    };
  }
  if (scriptType != null && !SCRIPT_TYPES.includes(scriptType as ScriptType))
    throw new ValidationError('scriptType', `must be one of ${SCRIPT_TYPES.join(', ')}`);
  const parsed = parseExtendedKey(
    extendedKey,
    chain.coin,
    (scriptType ?? undefined) as ScriptType | undefined,
    chain.network,
  );
  return {
    extendedKey: parsed.normalized,
    scriptType: parsed.scriptType,
    derive: (from, count) =>
      deriveUtxoAddresses(parsed, from, count).map((a) => ({
        index: a.index,
        address: a.address,
        script: a.scriptPubKey,
      })),
  };
}
