import { Block, script as bitcoinScript, Transaction } from 'bitcoinjs-lib';
import { BLOCK_VERSION, REGTEST_BITS } from './network-params.ts';

/**
 * Turns a list of transactions into a block a real node would accept at regtest difficulty:
 * a coinbase with the BIP34 height, the BIP141 witness commitment, the merkle root, and a
 * nonce actually ground until the header hash is under the target.
 */
export interface AssembleBlockInput {
  prevHash: Uint8Array;
  height: number;
  timestamp: number;
  /** Non-coinbase transactions in block order (parents before children). */
  transactions: Transaction[];
  /** Subsidy plus the fees of `transactions`. */
  reward: bigint;
  /** Where the reward goes. */
  payoutScript: Uint8Array;
  /** The reward is split in this many equal outputs, so one block funds many payments. */
  payoutOutputs: number;
  /** Makes the coinbase (so the block hash) unique when two branches mine the same height. */
  extraNonce: number;
  /** Add the witness commitment (segwit chains; Core's miner always adds it). */
  segwit: boolean;
}

const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);
const TAG = new TextEncoder().encode('/kassa-simulator/');

export function assembleBlock(input: AssembleBlockInput): Block {
  const coinbase = buildCoinbase(input);
  const transactions = [coinbase, ...input.transactions];
  if (input.segwit) {
    // The witness merkle tree counts the coinbase's wtxid as zero, so the commitment output can
    // be added after computing it without changing it.
    coinbase.setWitness(0, [new Uint8Array(32)]);
    const commitment = Block.calculateMerkleRoot(transactions, true);
    coinbase.addOutput(Uint8Array.from([...WITNESS_COMMITMENT_HEADER, ...commitment]), 0n);
  }
  const block = new Block();
  block.version = BLOCK_VERSION;
  block.prevHash = input.prevHash;
  block.timestamp = input.timestamp;
  block.bits = REGTEST_BITS;
  block.transactions = transactions;
  block.merkleRoot = Block.calculateMerkleRoot(transactions);
  grind(block);
  return block;
}

function buildCoinbase(input: AssembleBlockInput): Transaction {
  const coinbase = new Transaction();
  coinbase.version = 2;
  const extraNonce = new Uint8Array(4);
  new DataView(extraNonce.buffer).setUint32(0, input.extraNonce, true);
  // BIP34: the scriptSig starts with the height as a minimal script number (OP_1..OP_16 for
  // 1..16, which bitcoinjs' compile applies); the extra nonce keeps it ≥ 2 bytes as consensus wants.
  const scriptSig = bitcoinScript.compile([bitcoinScript.number.encode(input.height), extraNonce, TAG]);
  coinbase.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, scriptSig);
  const parts = BigInt(Math.max(1, input.payoutOutputs));
  const share = input.reward / parts;
  for (let i = 0n; i < parts; i++) {
    // The first output takes the remainder so no satoshi of the reward is lost.
    const value = i === 0n ? input.reward - share * (parts - 1n) : share;
    coinbase.addOutput(input.payoutScript, value);
  }
  return coinbase;
}

/** Regtest's target is met by about every second hash: a handful of tries at most. */
function grind(block: Block): void {
  for (;;) {
    for (let nonce = 0; nonce <= 0xffff_ffff; nonce++) {
      block.nonce = nonce;
      if (block.checkProofOfWork()) return;
    }
    block.timestamp++;
  }
}
