import { HDKey } from '@scure/bip32';
import { KassaError } from '../../domain/errors.ts';
import { decodeExtendedKey, type ExtendedKeyFields } from '../decode-extended-key.ts';
import { type ExtendedKeyVersion, extendedKeyVersionOf } from '../extended-key-versions.ts';
import {
  type ScriptType,
  UTXO_NETWORKS,
  type UtxoChainName,
  type UtxoNetwork,
  type UtxoNetworkKind,
  utxoNetwork,
} from './networks.ts';

/** A wallet's extended public key, checked against the chain it is meant for. */
export interface ParsedExtendedKey {
  /** Public only: a private key never gets this far. */
  hdkey: HDKey;
  network: UtxoNetwork;
  scriptType: ScriptType;
  depth: number;
  /** This key's own fingerprint (first 4 bytes of hash160 of its public key), 8 hex digits. */
  fingerprint: string;
  parentFingerprint: string;
  /** The version prefix as pasted: `zpub`, `xpub`, `Ltub`, ... */
  prefix: string;
  /**
   * The key re-serialized with the network's canonical version (xpub, tpub, dgub): the same
   * account pasted as xpub or zpub compares equal; the script type is kept beside it.
   */
  normalized: string;
}

const SCRIPT_NAMES: Record<ScriptType, string> = {
  p2pkh: 'p2pkh (BIP44 legacy)',
  'p2sh-p2wpkh': 'p2sh-p2wpkh (BIP49 nested segwit)',
  p2wpkh: 'p2wpkh (BIP84 native segwit)',
  p2tr: 'p2tr (BIP86 taproot)',
};

/**
 * Reads an account-level extended public key for a bitcoin-like chain. The version implies the
 * script type (xpub → p2pkh, ypub → p2sh-p2wpkh, zpub → p2wpkh, and their testnet forms);
 * `scriptType` overrides it for plain BIP32 versions (an xpub exported for a BIP84 or BIP86
 * account). Refuses, each with its own INVALID_XPUB message: private keys, keys of another
 * network or chain, script types the chain lacks, malformed keys, keys below account level.
 * @example
 * const key = parseExtendedKey('zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNf…', 'bitcoin');
 * key.scriptType // 'p2wpkh'
 */
export function parseExtendedKey(
  text: string,
  chain: UtxoChainName,
  scriptType?: ScriptType,
  kind: UtxoNetworkKind = 'mainnet',
): ParsedExtendedKey {
  const network = utxoNetwork(chain, kind);
  const fields = decodeExtendedKey(text);
  const version = network.extendedKeys.find((entry) => entry.public === fields.version);
  if (!version) throw foreignVersion(fields, network);
  const chosen = chooseScriptType(version, network, scriptType);
  if (fields.depth > 3) {
    throw refuse(
      `this key is at depth ${fields.depth}, below the account level: export the account key ` +
        `(depth 3, such as m/84'/0'/0'), whose /0 and /1 children are the receive and change chains`,
      fields,
      network,
    );
  }
  const hdkey = new HDKey({
    versions: { public: fields.version, private: version.private },
    depth: fields.depth,
    index: fields.index,
    parentFingerprint: fields.parentFingerprint,
    chainCode: fields.chainCode,
    publicKey: fields.publicKey,
  });
  const canonical = network.extendedKeys[0];
  const normalized = new HDKey({
    versions: { public: canonical.public, private: canonical.private },
    depth: fields.depth,
    index: fields.index,
    parentFingerprint: fields.parentFingerprint,
    chainCode: fields.chainCode,
    publicKey: fields.publicKey,
  }).publicExtendedKey;
  return {
    hdkey,
    network,
    scriptType: chosen,
    depth: fields.depth,
    fingerprint: hex32(hdkey.fingerprint),
    parentFingerprint: hex32(fields.parentFingerprint),
    prefix: version.prefix,
    normalized,
  };
}

function chooseScriptType(
  version: ExtendedKeyVersion,
  network: UtxoNetwork,
  requested: ScriptType | undefined,
): ScriptType {
  const chosen = requested ?? version.scriptType;
  if (!network.scriptTypes.includes(chosen)) {
    throw new KassaError(
      'INVALID_XPUB',
      `${network.name} has no ${SCRIPT_NAMES[chosen]} addresses; it supports ${network.scriptTypes.join(', ')}`,
      { details: { chain: network.chain, network: network.kind, scriptType: chosen } },
    );
  }
  if (!version.generic && chosen !== version.scriptType) {
    throw new KassaError(
      'INVALID_XPUB',
      `${version.prefix} keys are for ${SCRIPT_NAMES[version.scriptType]} addresses, not ${chosen}: ` +
        `use its own script type, or export the account's plain xpub for ${chosen}`,
      { details: { prefix: version.prefix, scriptType: chosen, keyScriptType: version.scriptType } },
    );
  }
  return chosen;
}

/** Explains why a version this network does not accept is wrong, naming where it belongs. */
function foreignVersion(fields: ExtendedKeyFields, network: UtxoNetwork): KassaError {
  const entry = extendedKeyVersionOf(fields.version)?.version;
  if (!entry) {
    return refuse(
      `unknown extended key version 0x${hex32(fields.version)} ("${fields.prefix}…"); ` +
        `${network.name} accepts ${network.extendedKeys.map((k) => k.prefix).join(', ')}`,
      fields,
      network,
    );
  }
  const homes = UTXO_NETWORKS.filter((n) => n.extendedKeys.includes(entry));
  const sameChain = homes.find((n) => n.chain === network.chain);
  if (sameChain) {
    const where = sameChain.kind === 'mainnet' ? 'mainnet' : 'test networks';
    return refuse(
      `${entry.prefix} keys are for ${where}; this wallet is on ${network.name}`,
      fields,
      network,
    );
  }
  if (!network.scriptTypes.includes(entry.scriptType)) {
    return refuse(
      `${entry.prefix} keys are for ${SCRIPT_NAMES[entry.scriptType]} addresses, which ${network.chain} does not have; ` +
        `export the account's ${network.extendedKeys[0].prefix} (BIP44)`,
      fields,
      network,
    );
  }
  const chains = [...new Set(homes.map((n) => n.name))].join(' or ');
  return refuse(`${entry.prefix} keys belong to ${chains}, not ${network.name}`, fields, network);
}

function refuse(message: string, fields: ExtendedKeyFields, network: UtxoNetwork): KassaError {
  return new KassaError('INVALID_XPUB', message, {
    details: { prefix: fields.prefix, chain: network.chain, network: network.kind },
  });
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
