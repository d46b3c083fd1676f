import { Block } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { hashToId, toHex } from './bytes.ts';
import { BitcoinSimulator } from './chain.ts';
import { buildLargeBlockDetailed } from './large-block.ts';

describe('large benchmark block', () => {
  it('builds 4,000 transactions that bitcoinjs parses, with valid roots and proof of work', () => {
    // 1,000 distinct P2WPKH scripts: OP_0 <20 bytes>.
    const watched = Array.from({ length: 1000 }, (_, i) => {
      const script = new Uint8Array(22).fill(0xaa);
      script.set([0x00, 0x14, i >> 8, i & 0xff]);
      return script;
    });
    let started = performance.now();
    const large = buildLargeBlockDetailed({ txCount: 4000, outputsPerTx: 3, payTo: watched });
    const buildMs = performance.now() - started;

    started = performance.now();
    const block = Block.fromBuffer(large.raw);
    const parseMs = performance.now() - started;

    expect(block.transactions).toHaveLength(4001);
    expect(block.getId()).toBe(large.hash);
    expect(block.checkTxRoots()).toBe(true);
    expect(block.checkProofOfWork()).toBe(true);
    expect(block.transactions!.slice(1).every((tx) => tx.outs.length === 3 && tx.hasWitnesses())).toBe(true);
    // A mainnet-sized block: ~1.1 MB serialized, under the 4M weight limit.
    expect(large.raw.length).toBeGreaterThan(900_000);
    expect(block.weight()).toBeLessThan(4_000_000);

    expect(large.payments).toHaveLength(1000);
    const byId = new Map(block.transactions!.map((tx) => [tx.getId(), tx]));
    for (const payment of large.payments) {
      expect(toHex(byId.get(payment.txid)!.outs[payment.vout].script)).toBe(toHex(payment.script));
    }
    console.info(
      `large block: ${block.transactions!.length} txs, ${large.raw.length} bytes, weight ${block.weight()}; ` +
        `built in ${buildMs.toFixed(1)} ms, Block.fromBuffer in ${parseMs.toFixed(1)} ms`,
    );
  });

  it('is deterministic per seed and can sit on top of a simulated chain', () => {
    expect(buildLargeBlockDetailed({ txCount: 10, seed: 1 }).hash).toBe(
      buildLargeBlockDetailed({ txCount: 10, seed: 1 }).hash,
    );
    expect(buildLargeBlockDetailed({ txCount: 10, seed: 1 }).hash).not.toBe(
      buildLargeBlockDetailed({ txCount: 10, seed: 2 }).hash,
    );
    const sim = new BitcoinSimulator({ initialBlocks: 3 });
    const block = Block.fromBuffer(sim.buildLargeBlock({ txCount: 50 }));
    expect(hashToId(block.prevHash!)).toBe(sim.tip().hash);
    expect(block.transactions).toHaveLength(51);
  });
});
