import { createHash } from 'node:crypto';
import { Block, script as bitcoinScript, Transaction } from 'bitcoinjs-lib';
import { hashToId } from './bytes.ts';
import { BLOCK_VERSION, REGTEST_BITS } from './network-params.ts';

/**
 * A big, realistic-looking serialized block for benchmarks (matching a 4,000-transaction block
 * against a million watched scripts). Structure, sizes, merkle root, witness commitment and
 * proof of work are real, so `Block.fromBuffer`, `checkTxRoots` and `checkProofOfWork` pass.
 * NOT valid in its contents: inputs spend random outpoints and signatures are dummy bytes of
 * the right length. It is only ever parsed, never validated, and is not part of any chain.
 * Written byte by byte rather than through bitcoinjs objects: 4,000 transactions take 50-100 ms
 * here (about twice bitcoinjs parsing them), most of it hashing.
 */
export interface LargeBlockOptions {
  /** Transactions besides the coinbase (default 4,000). */
  txCount?: number;
  /** Outputs per transaction (default 3). */
  outputsPerTx?: number;
  /** Output scripts to pay, spread evenly over the block (one output each). */
  payTo?: readonly Uint8Array[];
  /** Seed of the pseudo-random bytes: the same options give the same block. */
  seed?: number;
  /** Parent hash (internal byte order); zeros by default. */
  prevHash?: Uint8Array;
  height?: number;
  timestamp?: number;
}

export interface LargeBlock {
  raw: Uint8Array;
  hash: string;
  /** Where each `payTo` script landed. */
  payments: Array<{ txid: string; vout: number; script: Uint8Array; value: bigint }>;
}

export function buildLargeBlock(options: LargeBlockOptions = {}): Uint8Array {
  return buildLargeBlockDetailed(options).raw;
}

export function buildLargeBlockDetailed(options: LargeBlockOptions = {}): LargeBlock {
  const txCount = options.txCount ?? 4000;
  const outputsPerTx = options.outputsPerTx ?? 3;
  const payTo = options.payTo ?? [];
  // Counts and script lengths are written as one-byte varints.
  if (outputsPerTx < 1 || outputsPerTx > 252) throw new RangeError('outputsPerTx must be 1..252');
  if (payTo.some((s) => s.length > 252)) throw new RangeError('payTo scripts must be at most 252 bytes');
  const random = xorshift(options.seed ?? 0x6b617373);
  const totalSlots = txCount * outputsPerTx;
  const paidSlots = new Map<number, Uint8Array>();
  payTo.forEach((script, j) => {
    paidSlots.set(Math.floor((j * totalSlots) / Math.max(payTo.length, 1)) % Math.max(totalSlots, 1), script);
  });

  // Upper bound: two inputs (41 + 108 witness) and outputs of up to 43-byte scripts per tx.
  const body = Buffer.alloc(
    txCount * (20 + 2 * 150 + outputsPerTx * 60) + payTo.reduce((n, s) => n + s.length, 0),
  );
  let offset = 0;
  const txids: Uint8Array[] = [];
  const wtxids: Uint8Array[] = [];
  const payments: LargeBlock['payments'] = [];
  for (let i = 0; i < txCount; i++) {
    const start = offset;
    const inputs = random() % 5 === 0 ? 2 : 1;
    offset = body.writeUInt32LE(2, offset);
    const markerAt = offset;
    body[offset++] = 0x00; // segwit marker
    body[offset++] = 0x01; // and flag
    const ioStart = offset;
    body[offset++] = inputs;
    for (let k = 0; k < inputs; k++) {
      offset = fill(body, offset, 32, random);
      offset = body.writeUInt32LE(random() % 4, offset);
      body[offset++] = 0; // empty scriptSig: P2WPKH
      offset = body.writeUInt32LE(random() % 3 === 0 ? 0xfffffffd : 0xffffffff, offset);
    }
    body[offset++] = outputsPerTx;
    for (let vout = 0; vout < outputsPerTx; vout++) {
      const paid = paidSlots.get(i * outputsPerTx + vout);
      const value = BigInt(1000 + (random() % 100_000_000));
      offset = body.writeBigUInt64LE(value, offset);
      if (paid) {
        body[offset++] = paid.length; // watched scripts are short (≤ 75 bytes)
        body.set(paid, offset);
        offset += paid.length;
      } else {
        body[offset++] = 22;
        body[offset++] = 0x00;
        body[offset++] = 20;
        offset = fill(body, offset, 20, random);
      }
      if (paid) payments.push({ txid: '', vout, script: paid, value });
    }
    const ioEnd = offset;
    for (let k = 0; k < inputs; k++) {
      body[offset++] = 2;
      body[offset++] = 72; // DER signature + sighash byte (dummy)
      body[offset] = 0x30;
      offset = fill(body, offset + 1, 70, random);
      body[offset++] = 0x01;
      body[offset++] = 33; // compressed public key (dummy)
      body[offset] = 0x02;
      offset = fill(body, offset + 1, 32, random);
    }
    offset = body.writeUInt32LE(0, offset);
    const txid = sha256d(
      body.subarray(start, markerAt),
      body.subarray(ioStart, ioEnd),
      body.subarray(offset - 4, offset),
    );
    txids.push(txid);
    wtxids.push(sha256d(body.subarray(start, offset)));
    for (const payment of payments) if (payment.txid === '') payment.txid = hashToId(txid);
  }

  const coinbase = largeBlockCoinbase(options.height ?? 800_000, wtxids, random);
  const header = new Block();
  header.version = BLOCK_VERSION;
  header.prevHash = options.prevHash ?? new Uint8Array(32);
  header.merkleRoot = merkleRoot([coinbase.getHash(), ...txids]);
  header.timestamp = options.timestamp ?? 1_700_000_000;
  header.bits = REGTEST_BITS;
  while (!header.checkProofOfWork()) header.nonce++;

  const coinbaseBytes = coinbase.toBuffer();
  const count = varint(txCount + 1);
  const raw = Buffer.concat([header.toBuffer(true), count, coinbaseBytes, body.subarray(0, offset)]);
  return { raw: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), hash: header.getId(), payments };
}

function largeBlockCoinbase(height: number, wtxids: Uint8Array[], random: () => number): Transaction {
  const coinbase = new Transaction();
  coinbase.version = 2;
  coinbase.addInput(
    new Uint8Array(32),
    0xffffffff,
    0xffffffff,
    bitcoinScript.compile([bitcoinScript.number.encode(height)]),
  );
  coinbase.setWitness(0, [new Uint8Array(32)]);
  const payout = new Uint8Array(22);
  payout[1] = 20;
  fill(Buffer.from(payout.buffer), 2, 20, random);
  coinbase.addOutput(payout, 312_500_000n);
  // BIP141: the coinbase's wtxid counts as zero; the reserved value is the 32 zero bytes above.
  const witnessRoot = merkleRoot([new Uint8Array(32), ...wtxids]);
  const commitment = sha256d(witnessRoot, new Uint8Array(32));
  coinbase.addOutput(Uint8Array.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, ...commitment]), 0n);
  return coinbase;
}

function merkleRoot(hashes: Uint8Array[]): Uint8Array {
  let level = hashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(level[i], level[i + 1] ?? level[i]));
    level = next;
  }
  return level[0];
}

function sha256d(...parts: Uint8Array[]): Uint8Array {
  const first = createHash('sha256');
  for (const part of parts) first.update(part);
  return createHash('sha256').update(first.digest()).digest();
}

function varint(n: number): Buffer {
  if (n < 0xfd) return Buffer.of(n);
  const out = Buffer.alloc(n <= 0xffff ? 3 : 5);
  out[0] = n <= 0xffff ? 0xfd : 0xfe;
  if (n <= 0xffff) out.writeUInt16LE(n, 1);
  else out.writeUInt32LE(n, 1);
  return out;
}

function fill(buffer: Buffer, offset: number, length: number, random: () => number): number {
  // Four bytes per draw: this loop writes most of the megabyte.
  let i = 0;
  for (; i + 4 <= length; i += 4) buffer.writeUInt32LE(random(), offset + i);
  for (; i < length; i++) buffer[offset + i] = random() & 0xff;
  return offset + length;
}

/** xorshift32: fast and seedable; these bytes only need to look random, not be secret. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
