import { secp256k1 } from '@noble/curves/secp256k1.js';
import { crypto as bitcoinCrypto, payments, type Signer } from 'bitcoinjs-lib';

/**
 * The simulator's own key: it receives every coinbase and signs every payment the simulator
 * makes. Derived from a fixed seed so runs are reproducible; never for real funds.
 */
export interface SimulatorKey {
  privateKey: Uint8Array;
  /** Compressed SEC1 public key. */
  publicKey: Uint8Array;
  /** What bitcoinjs Psbt signs with (the shape of an `ecpair` key pair). */
  signer: Signer;
  /** P2WPKH (segwit chains) or P2PKH (legacy-only chains) output script of the key. */
  script: Uint8Array;
}

export function simulatorKey(seed: string, segwit: boolean): SimulatorKey {
  const privateKey = bitcoinCrypto.sha256(new TextEncoder().encode(seed));
  const publicKey = secp256k1.getPublicKey(privateKey, true);
  const signer: Signer = {
    publicKey,
    // bitcoinjs passes the 32-byte sighash and wants a 64-byte compact (r||s) low-S signature;
    // noble signs deterministically (RFC 6979), so the same payment always has the same txid.
    sign: (hash: Uint8Array) => secp256k1.sign(hash, privateKey, { prehash: false, lowS: true }),
  };
  const script = segwit
    ? payments.p2wpkh({ pubkey: publicKey }).output!
    : payments.p2pkh({ pubkey: publicKey }).output!;
  return { privateKey, publicKey, signer, script };
}
