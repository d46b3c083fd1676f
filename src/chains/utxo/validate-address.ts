import { address as bitcoinAddress } from 'bitcoinjs-lib';
import { KassaError } from '../../domain/errors.ts';
import { base58CheckDecode } from '../base58check.ts';
import { type CashAddr, decodeCashAddr } from './cashaddr.ts';
import {
  UTXO_NETWORKS,
  type UtxoChainName,
  type UtxoNetwork,
  type UtxoNetworkKind,
  utxoNetwork,
} from './networks.ts';
import { p2pkhScript, p2sh32Script, p2shScript, witnessScript } from './output-scripts.ts';

/**
 * The output script an address pays to, for one chain on one network. Accepts base58 P2PKH and
 * P2SH, bech32 (segwit v0) and bech32m (taproot) where the chain has segwit, and CashAddr (with or
 * without its prefix) on Bitcoin Cash. Refuses with INVALID_ADDRESS, naming where the address
 * belongs when Kassa can tell: a testnet address for mainnet, a Litecoin address for Bitcoin, ...
 * Bitcoin Cash also takes legacy base58 addresses: they pay the same scripts as their CashAddr form.
 * @example utxoAddressToScript('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'bitcoin') // 0014c0ce…
 */
export function utxoAddressToScript(
  address: string,
  chain: UtxoChainName,
  kind: UtxoNetworkKind = 'mainnet',
): Uint8Array {
  const network = utxoNetwork(chain, kind);
  const text = address.trim();
  if (text === '') throw invalid('the address is empty', network);
  const base58 = base58CheckDecode(text);
  if (base58.ok && base58.payload.length === 21) return base58Script(base58.payload, network);
  const separator = text.lastIndexOf('1');
  const humanPart = separator > 0 ? text.slice(0, separator).toLowerCase() : '';
  if (UTXO_NETWORKS.some((n) => n.bech32 === humanPart)) return segwitScript(text, humanPart, network);
  if (network.cashAddrPrefix) return cashAddrScript(text, network);
  if (text.includes(':')) return cashAddrElsewhere(text, network);
  const problem = base58.ok ? `it decodes to ${base58.payload.length} bytes, not 21` : base58.problem;
  throw invalid(`this is not a ${network.name} address: ${problem}`, network);
}

function base58Script(payload: Uint8Array, network: UtxoNetwork): Uint8Array {
  const version = payload[0];
  const hash = payload.subarray(1);
  if (version === network.pubKeyHash) return p2pkhScript(hash);
  if (version === network.scriptHash) return p2shScript(hash);
  const homes = UTXO_NETWORKS.filter((n) => n.pubKeyHash === version || n.scriptHash === version).map(
    (n) => n.name,
  );
  const where = homes.length > 0 ? homes.join(' or ') : `unknown version 0x${hex(version)}`;
  throw invalid(`this is an address of ${where}, not of ${network.name}`, network);
}

function segwitScript(text: string, humanPart: string, network: UtxoNetwork): Uint8Array {
  if (humanPart !== network.bech32) {
    const homes = UTXO_NETWORKS.filter((n) => n.bech32 === humanPart).map((n) => n.name);
    const mine = network.bech32 ? `; ${network.name} addresses start with ${network.bech32}1` : '';
    throw invalid(
      `a ${humanPart}1… address belongs to ${homes.join(' or ')}, not ${network.name}${mine}`,
      network,
    );
  }
  let decoded: { version: number; data: Uint8Array };
  try {
    decoded = bitcoinAddress.fromBech32(text);
  } catch (error) {
    throw invalid('this bech32 address is mistyped: its checksum or encoding is wrong', network, error);
  }
  const { version, data } = decoded;
  if (version === 0 && (data.length === 20 || data.length === 32)) return witnessScript(0, data);
  if (version === 1 && data.length === 32) return witnessScript(1, data);
  // Future witness versions are spendable by anyone until a soft fork gives them meaning.
  throw invalid(`segwit version ${version} with a ${data.length}-byte program is not accepted`, network);
}

function cashAddrScript(text: string, network: UtxoNetwork): Uint8Array {
  const expected = network.cashAddrPrefix!;
  let decoded: CashAddr;
  try {
    decoded = decodeCashAddr(text, expected);
  } catch (error) {
    // Without a written prefix, a failed checksum may only mean another network's prefix.
    if (!text.includes(':')) {
      const home = UTXO_NETWORKS.find((n) => n.cashAddrPrefix && n !== network && decodesUnder(text, n));
      if (home) throw invalid(`this is a ${home.name} address, not ${network.name}`, network);
    }
    throw error;
  }
  if (decoded.prefix !== expected) {
    const home = UTXO_NETWORKS.find((n) => n.cashAddrPrefix === decoded.prefix);
    const where = home ? `a ${home.name} address` : `prefixed ${decoded.prefix}:`;
    throw invalid(`this address is ${where}; ${network.name} addresses start with ${expected}:`, network);
  }
  const { type, hash } = decoded;
  // Types 2 and 3 are the CashTokens-aware forms of P2PKH and P2SH: same scripts.
  if ((type === 0 || type === 2) && hash.length === 20) return p2pkhScript(hash);
  if ((type === 1 || type === 3) && hash.length === 20) return p2shScript(hash);
  if ((type === 1 || type === 3) && hash.length === 32) return p2sh32Script(hash);
  throw invalid(`CashAddr type ${type} with a ${hash.length}-byte hash is not a payable address`, network);
}

function cashAddrElsewhere(text: string, network: UtxoNetwork): Uint8Array {
  const prefix = text.slice(0, text.lastIndexOf(':')).toLowerCase();
  const home = UTXO_NETWORKS.find((n) => n.cashAddrPrefix === prefix);
  const what = home ? `a ${home.name} address` : `prefixed ${prefix}:`;
  throw invalid(`this is ${what}, not a ${network.name} address`, network);
}

function decodesUnder(text: string, network: UtxoNetwork): boolean {
  try {
    decodeCashAddr(text, network.cashAddrPrefix);
    return true;
  } catch {
    return false;
  }
}

function invalid(message: string, network: UtxoNetwork, cause?: unknown): KassaError {
  return new KassaError('INVALID_ADDRESS', message, {
    details: { chain: network.chain, network: network.kind },
    cause,
  });
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
