import { Block, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { MalformedDataError } from './byte-reader.ts';
import { matchBlock } from './match-block.ts';
import { type MatchedBlock, type MatchedOutput, scriptKey } from './match-types.ts';

// Blocks are built with bitcoinjs and read back with bitcoinjs: matchBlock must agree with it on
// every block, whatever mix of legacy and segwit transactions, counts and sizes it holds.

/** mulberry32: seeded, so a failing block can be rebuilt from its seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, bytes, pick };
}
type Random = ReturnType<typeof prng>;

const SEQUENCES = [0xffffffff, 0xffffffff, 0xfffffffe, 0xfffffffd, 0, 0x80000000] as const;

function randomScript(r: Random): Uint8Array {
  switch (r.int(0, 5)) {
    case 0:
      return Uint8Array.of(0x76, 0xa9, 20, ...r.bytes(20), 0x88, 0xac);
    case 1:
      return Uint8Array.of(0xa9, 20, ...r.bytes(20), 0x87);
    case 2:
      return Uint8Array.of(0x51, 32, ...r.bytes(32));
    case 3:
      return Uint8Array.of(0x6a, ...r.bytes(r.int(0, 80)));
    case 4:
      // Longer than 252 bytes: a three-byte length varint.
      return r.bytes(r.int(253, 400));
    default:
      return Uint8Array.of(0x00, 20, ...r.bytes(20));
  }
}

function randomTransaction(r: Random, segwit: boolean): Transaction {
  const tx = new Transaction();
  tx.version = r.pick([1, 2]);
  tx.locktime = r.int(0, 1) === 0 ? 0 : r.int(1, 0xffffffff);
  const inputs = r.int(1, 4);
  for (let i = 0; i < inputs; i++) {
    tx.addInput(r.bytes(32), r.int(0, 3) === 0 ? r.int(0, 0xffffffff) : r.int(0, 5), r.pick(SEQUENCES));
    if (!segwit || r.int(0, 3) === 0) tx.setInputScript(i, r.bytes(r.int(0, 110)));
    if (segwit) tx.setWitness(i, [r.bytes(r.int(70, 72)), r.bytes(33)]);
  }
  // Mostly a few outputs, sometimes over 252 (a three-byte count varint).
  const outputs = r.int(0, 20) === 0 ? r.int(253, 300) : r.int(1, 4);
  for (let i = 0; i < outputs; i++) {
    const value = r.int(0, 2) === 0 ? BigInt(r.int(0, 2_100_000)) * 1_000_000_000n : BigInt(r.int(0, 1e9));
    tx.addOutput(randomScript(r), value);
  }
  return tx;
}

function coinbase(r: Random, segwit: boolean): Transaction {
  const tx = new Transaction();
  tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, r.bytes(r.int(2, 100)));
  if (segwit) tx.setWitness(0, [new Uint8Array(32)]);
  tx.addOutput(randomScript(r), 312_500_000n);
  tx.addOutput(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, ...r.bytes(32)), 0n);
  return tx;
}

function randomBlock(r: Random, txCount: number, segwitShare: number): Block {
  const block = new Block();
  block.version = 0x20000000;
  block.prevHash = r.bytes(32);
  block.timestamp = 1_700_000_000 + r.int(0, 1e6);
  block.bits = 0x207fffff;
  block.nonce = r.int(0, 0xffffffff);
  const anySegwit = segwitShare > 0;
  block.transactions = [coinbase(r, anySegwit)];
  for (let i = 1; i < txCount; i++) block.transactions.push(randomTransaction(r, r.next() < segwitShare));
  block.merkleRoot = Block.calculateMerkleRoot(block.transactions);
  return block;
}

const reversedHex = (bytes: Uint8Array) => Buffer.from(bytes).reverse().toString('hex');
const isNullPrevout = (input: Transaction['ins'][number]) =>
  input.index === 0xffffffff && input.hash.every((b) => b === 0);

/** What matchBlock must return, computed from bitcoinjs's own parse of the same bytes. */
function expectedMatch(raw: Uint8Array, scripts: ReadonlySet<string>, outpoints: ReadonlySet<string>) {
  const block = Block.fromBuffer(raw);
  const outputs: MatchedOutput[] = [];
  const conflicts: MatchedBlock['conflicts'] = [];
  for (const tx of block.transactions ?? []) {
    const txid = tx.getId();
    const spends = tx.ins.filter((i) => !isNullPrevout(i)).map((i) => `${reversedHex(i.hash)}:${i.index}`);
    const signalsRbf = tx.ins.some((i) => i.sequence < 0xfffffffe);
    tx.outs.forEach((out, vout) => {
      if (scripts.has(scriptKey(out.script)))
        outputs.push({
          txid,
          vout,
          script: Uint8Array.from(out.script),
          value: out.value,
          signalsRbf,
          spends,
        });
    });
    for (const input of tx.ins) {
      const outpoint = `${reversedHex(input.hash)}:${input.index}`;
      if (outpoints.has(outpoint)) conflicts.push({ outpoint, txid });
    }
  }
  return {
    hash: block.getId(),
    prevHash: reversedHex(block.prevHash!),
    txCount: block.transactions?.length ?? 0,
    outputs,
    conflicts,
  };
}

/** Watches about a third of the block's scripts and spent outpoints, plus some that never occur. */
function watchSome(r: Random, block: Block) {
  const scripts = new Set<string>();
  const outpoints = new Set<string>();
  for (const tx of block.transactions ?? []) {
    for (const out of tx.outs) if (r.int(0, 2) === 0) scripts.add(scriptKey(out.script));
    for (const input of tx.ins)
      if (!isNullPrevout(input) && r.int(0, 2) === 0)
        outpoints.add(`${reversedHex(input.hash)}:${input.index}`);
  }
  for (let i = 0; i < 100; i++) {
    scripts.add(scriptKey(Uint8Array.of(0x00, 20, ...r.bytes(20))));
    outpoints.add(`${Buffer.from(r.bytes(32)).toString('hex')}:${r.int(0, 3)}`);
  }
  return { scripts, outpoints };
}

describe('matchBlock', () => {
  it.each([
    ['mixed legacy and segwit', 1, 60, 0.6],
    ['segwit only', 2, 40, 1],
    ['legacy only (no witness anywhere)', 3, 40, 0],
    ['mixed, another seed', 4, 80, 0.5],
    ['a lone coinbase', 5, 1, 0.5],
  ])('agrees with bitcoinjs Block.fromBuffer on a random block: %s', (_name, seed, txCount, segwitShare) => {
    const r = prng(seed);
    const block = randomBlock(r, txCount, segwitShare);
    const raw = block.toBuffer();
    const { scripts, outpoints } = watchSome(r, block);

    const matched = matchBlock(raw, scripts, outpoints);

    const expected = expectedMatch(raw, scripts, outpoints);
    expect(matched).toEqual(expected);
    if (txCount > 1) {
      expect(matched.outputs.length).toBeGreaterThan(0);
      expect(matched.conflicts.length).toBeGreaterThan(0);
      expect(matched.outputs.some((o) => o.signalsRbf)).toBe(true);
      expect(matched.outputs.some((o) => !o.signalsRbf)).toBe(true);
    }
  });

  it('agrees with bitcoinjs on 25 more seeds', () => {
    for (let seed = 100; seed < 125; seed++) {
      const r = prng(seed);
      const block = randomBlock(r, r.int(1, 30), r.next());
      const raw = block.toBuffer();
      const { scripts, outpoints } = watchSome(r, block);
      expect(matchBlock(raw, scripts, outpoints), `seed ${seed}`).toEqual(
        expectedMatch(raw, scripts, outpoints),
      );
    }
  });

  it('reports every watched output of a transaction, with the spends and value bitcoinjs reads', () => {
    const r = prng(7);
    const watched = Uint8Array.of(0x00, 20, ...r.bytes(20));
    const tx = new Transaction();
    tx.addInput(r.bytes(32), 1, 0xfffffffd);
    tx.addInput(r.bytes(32), 0, 0xffffffff);
    tx.setWitness(0, [r.bytes(71), r.bytes(33)]);
    tx.addOutput(watched, 2_100_000_000_000_000n);
    tx.addOutput(randomScript(r), 1n);
    tx.addOutput(watched, 0n);
    const block = randomBlock(r, 3, 0.5);
    block.transactions!.push(tx);
    const raw = block.toBuffer();

    const matched = matchBlock(raw, new Set([scriptKey(watched)]), new Set());

    expect(matched.outputs.map((o) => [o.txid, o.vout, o.value, o.signalsRbf])).toEqual([
      [tx.getId(), 0, 2_100_000_000_000_000n, true],
      [tx.getId(), 2, 0n, true],
    ]);
    expect(matched.outputs[0].spends).toEqual(tx.ins.map((i) => `${reversedHex(i.hash)}:${i.index}`));
    expect(matched.outputs[0].script).toEqual(watched);
    expect(matched.outputs[0].script.buffer).not.toBe(raw.buffer);
  });

  it('finds a spend of a watched outpoint even when no output matches', () => {
    const r = prng(8);
    const block = randomBlock(r, 10, 0.5);
    const spender = block.transactions![6];
    const outpoint = `${reversedHex(spender.ins[0].hash)}:${spender.ins[0].index}`;

    const matched = matchBlock(block.toBuffer(), new Set(), new Set([outpoint.toUpperCase(), outpoint]));

    expect(matched.outputs).toEqual([]);
    expect(matched.conflicts).toContainEqual({ outpoint, txid: spender.getId() });
  });

  it('ignores bytes after the last transaction (the place of Litecoin MWEB data)', () => {
    const r = prng(9);
    const block = randomBlock(r, 5, 0.5);
    const raw = block.toBuffer();
    const scripts = new Set(block.transactions!.map((tx) => scriptKey(tx.outs[0].script)));
    const padded = Uint8Array.of(...raw, 1, 2, 3, 4);
    expect(matchBlock(padded, scripts, new Set())).toEqual(matchBlock(raw, scripts, new Set()));
  });

  it('reads a Dogecoin AuxPoW block when asked, and only then', () => {
    const r = prng(10);
    const block = randomBlock(r, 4, 0);
    block.version = 0x00620104;
    const raw = block.toBuffer();
    const auxPow = Uint8Array.of(
      ...coinbase(r, false).toBuffer(),
      ...r.bytes(32),
      ...[2, ...r.bytes(64), 0, 0, 0, 0],
      ...[0, 0, 0, 0, 0],
      ...r.bytes(80),
    );
    const withAuxPow = Uint8Array.of(...raw.subarray(0, 80), ...auxPow, ...raw.subarray(80));
    const scripts = new Set(block.transactions!.map((tx) => scriptKey(tx.outs[0].script)));

    const matched = matchBlock(withAuxPow, scripts, new Set(), { auxPow: true });

    expect(matched).toEqual(expectedMatch(raw, scripts, new Set()));
    expect(matched.outputs).toHaveLength(4);
    // Read as a plain block, the AuxPoW record is taken for transactions: garbage or an error.
    let misread: MatchedBlock | Error;
    try {
      misread = matchBlock(withAuxPow, scripts, new Set());
    } catch (error) {
      misread = error as Error;
    }
    expect(misread).not.toEqual(matched);
  });

  it('refuses every truncation of a block with MalformedDataError', () => {
    const r = prng(11);
    const block = randomBlock(r, 4, 0.5);
    const raw = block.toBuffer();
    const scripts = new Set([scriptKey(block.transactions![1].outs[0].script)]);
    for (let end = 0; end < raw.length; end++) {
      expect(() => matchBlock(raw.subarray(0, end), scripts, new Set()), `cut at ${end}`).toThrow(
        MalformedDataError,
      );
    }
  });

  it('refuses a watched outpoint that is not "txid:vout"', () => {
    const raw = randomBlock(prng(12), 2, 0.5).toBuffer();
    expect(() => matchBlock(raw, new Set(), new Set(['abc:1']))).toThrow(RangeError);
  });
});
