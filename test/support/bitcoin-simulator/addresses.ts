import { address as bitcoinAddress, type Network } from 'bitcoinjs-lib';

/**
 * Address ↔ output script without an ECC library. bitcoinjs refuses taproot addresses unless
 * `initEccLib` was called, and that is process-global state the production code does not set;
 * witness programs need no curve maths to encode, so this does it by hand.
 */

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_RETURN = 0x6a;

export function toOutputScript(address: string, network: Network): Uint8Array {
  if (network.bech32 && address.toLowerCase().startsWith(`${network.bech32}1`)) {
    const { version, prefix, data } = bitcoinAddress.fromBech32(address);
    if (prefix !== network.bech32) throw new TypeError(`${address} is not a ${network.bech32} address`);
    if (version === 0 && data.length !== 20 && data.length !== 32) {
      throw new TypeError(`${address}: a v0 witness program is 20 or 32 bytes`);
    }
    if (data.length < 2 || data.length > 40) throw new TypeError(`${address}: bad witness program length`);
    return Uint8Array.of(version === 0 ? OP_0 : OP_1 + version - 1, data.length, ...data);
  }
  // P2PKH and P2SH: bitcoinjs checks the version byte against the network.
  return bitcoinAddress.toOutputScript(address, network);
}

/** The address an output script pays, or undefined for scripts that have none (OP_RETURN, bare). */
export function toAddress(script: Uint8Array, network: Network): string | undefined {
  const witness = witnessProgram(script);
  if (witness) {
    if (!network.bech32) return undefined;
    return bitcoinAddress.toBech32(witness.program, witness.version, network.bech32);
  }
  try {
    return bitcoinAddress.fromOutputScript(script, network);
  } catch {
    return undefined;
  }
}

function witnessProgram(script: Uint8Array): { version: number; program: Uint8Array } | undefined {
  if (script.length < 4 || script.length > 42 || script[1] !== script.length - 2) return undefined;
  const op = script[0];
  if (op === OP_0) return { version: 0, program: script.subarray(2) };
  if (op >= OP_1 && op <= OP_1 + 15) return { version: op - OP_1 + 1, program: script.subarray(2) };
  return undefined;
}

/** Esplora's `scriptpubkey_type` names (electrs `TxOutValue`). */
export function scriptType(script: Uint8Array): string {
  const n = script.length;
  if (n === 0) return 'empty';
  if (script[0] === OP_RETURN) return 'op_return';
  if (
    (n === 35 && script[0] === 33 && script[34] === 0xac) ||
    (n === 67 && script[0] === 65 && script[66] === 0xac)
  ) {
    return 'p2pk';
  }
  if (n === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 20 && script[23] === 0x88)
    return 'p2pkh';
  if (n === 23 && script[0] === 0xa9 && script[1] === 20 && script[22] === 0x87) return 'p2sh';
  if (n === 22 && script[0] === OP_0 && script[1] === 20) return 'v0_p2wpkh';
  if (n === 34 && script[0] === OP_0 && script[1] === 32) return 'v0_p2wsh';
  if (n === 34 && script[0] === OP_1 && script[1] === 32) return 'v1_p2tr';
  return 'unknown';
}
