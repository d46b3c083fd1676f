import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { MalformedDataError } from './byte-reader.ts';
import { parseTransaction } from './parse-transaction.ts';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const reversedHex = (b: Uint8Array) => Buffer.from(b).reverse().toString('hex');

function segwitTransaction(sequence: number): Transaction {
  const tx = new Transaction();
  tx.version = 2;
  tx.addInput(bytes(32, 1), 7, sequence);
  tx.addInput(bytes(32, 2), 0, 0xffffffff);
  tx.setWitness(0, [bytes(72, 3), bytes(33, 4)]);
  tx.setWitness(1, [bytes(64, 5)]);
  tx.addOutput(Uint8Array.of(0x00, 20, ...bytes(20, 6)), 150_000n);
  tx.addOutput(Uint8Array.of(0x51, 32, ...bytes(32, 7)), 2_099_999_997_690_000n);
  tx.locktime = 850_000;
  return tx;
}

describe('parseTransaction', () => {
  it('reads txid, outputs, spends and the RBF signal as bitcoinjs does (segwit)', () => {
    const tx = segwitTransaction(0xfffffffd);
    const parsed = parseTransaction(tx.toBuffer());
    expect(parsed).toEqual({
      txid: tx.getId(),
      signalsRbf: true,
      spends: tx.ins.map((i) => `${reversedHex(i.hash)}:${i.index}`),
      outputs: tx.outs.map((o, vout) => ({ vout, value: o.value, script: Uint8Array.from(o.script) })),
    });
    // The txid leaves the witness out; the wtxid would differ.
    expect(parsed.txid).not.toBe(reversedHex(tx.getHash(true)));
  });

  it('reads a legacy transaction, and treats 0xfffffffe as final for BIP125', () => {
    const tx = new Transaction();
    tx.addInput(bytes(32, 9), 1, 0xfffffffe, Uint8Array.of(0x47, ...bytes(71, 1), 0x21, ...bytes(33, 2)));
    tx.addOutput(Uint8Array.of(0x76, 0xa9, 20, ...bytes(20, 3), 0x88, 0xac), 1n);
    const parsed = parseTransaction(tx.toBuffer());
    expect(parsed.txid).toBe(tx.getId());
    expect(parsed.signalsRbf).toBe(false);
    expect(parsed.spends).toEqual([`${'09'.repeat(32)}:1`]);
  });

  it('leaves the null prevout of a coinbase out of its spends', () => {
    const tx = new Transaction();
    tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.of(3, 1, 2, 3));
    tx.addOutput(Uint8Array.of(0x00, 20, ...bytes(20, 3)), 312_500_000n);
    expect(parseTransaction(tx.toBuffer()).spends).toEqual([]);
  });

  it('refuses trailing bytes, truncation, and a witness flag with no witness', () => {
    const raw = segwitTransaction(0).toBuffer();
    expect(() => parseTransaction(Uint8Array.of(...raw, 0))).toThrow(MalformedDataError);
    for (let end = 0; end < raw.length; end++)
      expect(() => parseTransaction(raw.subarray(0, end)), `cut at ${end}`).toThrow(MalformedDataError);

    const noWitness = new Transaction();
    noWitness.addInput(bytes(32, 1), 0);
    noWitness.addOutput(Uint8Array.of(0x6a), 0n);
    const legacy = noWitness.toBuffer();
    // version, marker 0x00 and flag 0x01, the rest, an empty witness for the one input, locktime.
    const flagged = Uint8Array.of(
      ...legacy.subarray(0, 4),
      0,
      1,
      ...legacy.subarray(4, legacy.length - 4),
      0,
      ...legacy.subarray(legacy.length - 4),
    );
    expect(() => Transaction.fromBuffer(flagged)).toThrow(/superfluous witness/);
    expect(() => parseTransaction(flagged)).toThrow(MalformedDataError);
  });

  it('refuses a count larger than the bytes that follow it', () => {
    // version, then an input count of 0xffffffff in a five-byte varint.
    const raw = Uint8Array.of(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0, 0, 0);
    expect(() => parseTransaction(raw)).toThrow(/count 4294967295/);
  });
});
