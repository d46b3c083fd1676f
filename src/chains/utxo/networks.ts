import { ValidationError } from '../../domain/errors.ts';
import {
  DGUB,
  type ExtendedKeyVersion,
  LTUB,
  MTUB,
  type ScriptType,
  TPUB,
  TTUB,
  UPUB,
  VPUB,
  XPUB,
  YPUB,
  ZPUB,
} from '../extended-key-versions.ts';

/**
 * Address and extended-key parameters of the bitcoin-like chains Kassa watches. Version bytes are
 * those of each chain's reference node and of SLIP-132 (the registry wallets follow when they
 * export ypub, zpub, Ltub, ...).
 */

export type UtxoChainName = 'bitcoin' | 'litecoin' | 'bitcoin-cash' | 'dogecoin';

/** signet and regtest share testnet's version bytes; only address prefixes differ. */
export type UtxoNetworkKind = 'mainnet' | 'testnet' | 'signet' | 'regtest';

export type { ExtendedKeyVersion, ScriptType };

export interface UtxoNetwork {
  /** `bitcoin`, `bitcoin-testnet`, `litecoin-regtest`, ... */
  name: string;
  chain: UtxoChainName;
  kind: UtxoNetworkKind;
  /** BIP173 human-readable part; absent where the chain has no segwit. */
  bech32?: string;
  /** CashAddr prefix (Bitcoin Cash only), used for addresses Kassa derives. */
  cashAddrPrefix?: string;
  pubKeyHash: number;
  scriptHash: number;
  wif: number;
  scriptTypes: readonly ScriptType[];
  /** Accepted extended-key versions; the first is the canonical one Kassa stores. */
  extendedKeys: readonly ExtendedKeyVersion[];
}

const SEGWIT: readonly ScriptType[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'];
const LEGACY_ONLY: readonly ScriptType[] = ['p2pkh'];

type Params = Omit<UtxoNetwork, 'name' | 'chain' | 'kind'>;

const BITCOIN_TEST: Params = {
  bech32: 'tb',
  pubKeyHash: 0x6f,
  scriptHash: 0xc4,
  wif: 0xef,
  scriptTypes: SEGWIT,
  extendedKeys: [TPUB, UPUB, VPUB],
};

// Litecoin moved P2SH from 0x05 to 0x32 ('M'); the old byte is not accepted, as an address
// starting with '3' cannot be told apart from a Bitcoin one.
const LITECOIN_TEST: Params = {
  bech32: 'tltc',
  pubKeyHash: 0x6f,
  scriptHash: 0x3a,
  wif: 0xef,
  scriptTypes: SEGWIT,
  // Litecoin Core exports tpub on test networks; ttub is SLIP-132's.
  extendedKeys: [TPUB, UPUB, VPUB, TTUB],
};

const BITCOIN_CASH_TEST: Params = {
  cashAddrPrefix: 'bchtest',
  pubKeyHash: 0x6f,
  scriptHash: 0xc4,
  wif: 0xef,
  scriptTypes: LEGACY_ONLY,
  extendedKeys: [TPUB],
};

const PARAMS: Record<UtxoChainName, Partial<Record<UtxoNetworkKind, Params>>> = {
  bitcoin: {
    mainnet: {
      bech32: 'bc',
      pubKeyHash: 0x00,
      scriptHash: 0x05,
      wif: 0x80,
      scriptTypes: SEGWIT,
      extendedKeys: [XPUB, YPUB, ZPUB],
    },
    testnet: BITCOIN_TEST,
    signet: BITCOIN_TEST,
    regtest: { ...BITCOIN_TEST, bech32: 'bcrt' },
  },
  litecoin: {
    mainnet: {
      bech32: 'ltc',
      pubKeyHash: 0x30,
      scriptHash: 0x32,
      wif: 0xb0,
      scriptTypes: SEGWIT,
      // Litecoin Core and most wallets export xpub/ypub/zpub; Ltub and Mtub are SLIP-132's.
      extendedKeys: [XPUB, YPUB, ZPUB, LTUB, MTUB],
    },
    testnet: LITECOIN_TEST,
    regtest: { ...LITECOIN_TEST, bech32: 'rltc' },
  },
  'bitcoin-cash': {
    mainnet: {
      cashAddrPrefix: 'bitcoincash',
      pubKeyHash: 0x00,
      scriptHash: 0x05,
      wif: 0x80,
      scriptTypes: LEGACY_ONLY,
      extendedKeys: [XPUB],
    },
    testnet: BITCOIN_CASH_TEST,
    regtest: { ...BITCOIN_CASH_TEST, cashAddrPrefix: 'bchreg' },
  },
  dogecoin: {
    mainnet: {
      pubKeyHash: 0x1e,
      scriptHash: 0x16,
      wif: 0x9e,
      scriptTypes: LEGACY_ONLY,
      // Dogecoin Core exports dgub; hardware wallets and libraries often show the same key as xpub.
      extendedKeys: [DGUB, XPUB],
    },
    testnet: {
      pubKeyHash: 0x71,
      scriptHash: 0xc4,
      wif: 0xf1,
      scriptTypes: LEGACY_ONLY,
      extendedKeys: [TPUB],
    },
    regtest: {
      pubKeyHash: 0x6f,
      scriptHash: 0xc4,
      wif: 0xef,
      scriptTypes: LEGACY_ONLY,
      extendedKeys: [TPUB],
    },
  },
};

/** Every network Kassa knows, for lookups across chains (which chain does this tpub belong to?). */
export const UTXO_NETWORKS: readonly UtxoNetwork[] = Object.entries(PARAMS).flatMap(([chain, kinds]) =>
  Object.entries(kinds).map(([kind, params]) =>
    Object.freeze({
      name: kind === 'mainnet' ? chain : `${chain}-${kind}`,
      chain: chain as UtxoChainName,
      kind: kind as UtxoNetworkKind,
      ...params,
    }),
  ),
);

/**
 * The parameters of one chain on one network.
 * @example utxoNetwork('bitcoin', 'regtest').bech32 // 'bcrt'
 */
export function utxoNetwork(chain: UtxoChainName, kind: UtxoNetworkKind = 'mainnet'): UtxoNetwork {
  const network = UTXO_NETWORKS.find((n) => n.chain === chain && n.kind === kind);
  if (!network) {
    const known = UTXO_NETWORKS.filter((n) => n.chain === chain).map((n) => n.kind);
    if (known.length === 0)
      throw new ValidationError('chain', `${chain} is not a bitcoin-like chain Kassa knows`);
    throw new ValidationError('network', `${chain} has no ${kind}; known: ${known.join(', ')}`, {
      chain,
      kind,
    });
  }
  return network;
}
