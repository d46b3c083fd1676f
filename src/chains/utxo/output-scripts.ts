/**
 * scriptPubKey builders. These bytes are what the chain watcher matches block outputs against,
 * so each must be byte-exact: a wrong opcode means a payment is never seen.
 */

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_HASH256 = 0xaa;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;

/** OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG. @example p2pkhScript(hash160(publicKey)) */
export function p2pkhScript(keyHash: Uint8Array): Uint8Array {
  expectLength(keyHash, 20);
  return Uint8Array.of(OP_DUP, OP_HASH160, 20, ...keyHash, OP_EQUALVERIFY, OP_CHECKSIG);
}

/** OP_HASH160 <20> OP_EQUAL. @example p2shScript(hash160(redeemScript)) */
export function p2shScript(scriptHash: Uint8Array): Uint8Array {
  expectLength(scriptHash, 20);
  return Uint8Array.of(OP_HASH160, 20, ...scriptHash, OP_EQUAL);
}

/** Bitcoin Cash P2SH32: OP_HASH256 <32> OP_EQUAL. @example p2sh32Script(hash256(redeemScript)) */
export function p2sh32Script(scriptHash: Uint8Array): Uint8Array {
  expectLength(scriptHash, 32);
  return Uint8Array.of(OP_HASH256, 32, ...scriptHash, OP_EQUAL);
}

/**
 * Segwit output: OP_version <program>. v0 programs are 20 (P2WPKH) or 32 (P2WSH) bytes;
 * v1 with 32 bytes is taproot.
 * @example witnessScript(0, hash160(publicKey)) // 0014…
 */
export function witnessScript(version: number, program: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 16)
    throw new RangeError('witness version is 0..16');
  if (program.length < 2 || program.length > 40) throw new RangeError('witness program is 2..40 bytes');
  return Uint8Array.of(version === 0 ? OP_0 : OP_1 + version - 1, program.length, ...program);
}

function expectLength(hash: Uint8Array, length: number): void {
  if (hash.length !== length)
    throw new RangeError(`expected a ${length}-byte hash, got ${hash.length} bytes`);
}
