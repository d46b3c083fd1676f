import { Block, networks } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { hashToId } from './bytes.ts';
import { BitcoinSimulator } from './chain.ts';

const BIP84_ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';

describe('BitcoinSimulator reorgs', () => {
  const sim = new BitcoinSimulator({ network: networks.bitcoin });

  it.each([1, 2, 3])('a reorg of depth %i builds a longer branch with different hashes', async (depth) => {
    await sim.mine(depth);
    const before = sim.tip();
    const replaced = Array.from({ length: depth }, (_, i) => sim.blockAt(before.height - i)!.hash);
    const forkPoint = sim.blockAt(before.height - depth)!.hash;

    const hashes = await sim.reorg(depth);

    expect(hashes).toHaveLength(depth + 1);
    expect(sim.tip()).toEqual({ height: before.height + 1, hash: hashes[depth] });
    for (const hash of replaced) {
      expect(hashes).not.toContain(hash);
      expect(sim.isInBestChain(hash)).toBe(false);
      // Stale blocks stay retrievable by hash, as on a real node.
      expect(Block.fromBuffer(sim.rawBlock(hash)!).getId()).toBe(hash);
    }
    let prev = forkPoint;
    for (const hash of hashes) {
      const block = Block.fromBuffer(sim.rawBlock(hash)!);
      expect(hashToId(block.prevHash!)).toBe(prev);
      expect(block.checkTxRoots() && block.checkProofOfWork()).toBe(true);
      prev = hash;
    }
  });

  it('drops one payment and re-mines the other in the new branch', async () => {
    const dropped = await sim.pay(BIP84_ADDRESS, 100_000n);
    const kept = await sim.pay(BIP84_ADDRESS, 200_000n);
    const [minedIn] = await sim.mine();
    await sim.mine();
    expect(sim.block(minedIn)!.txids).toEqual(expect.arrayContaining([dropped, kept]));

    const [first] = await sim.reorg(2, { dropTxids: [dropped] });

    expect(sim.txStatus(dropped)).toEqual({ confirmed: false, inMempool: false });
    // Like Core's txindex (and electrs), the node can still return its bytes from the stale block.
    expect(sim.rawTx(dropped)).toBeDefined();
    expect(sim.mempoolTxids()).toEqual([]);
    expect(sim.txStatus(kept)).toMatchObject({ confirmed: true, blockHash: first });
    expect(sim.block(first)!.txids).not.toContain(dropped);
    // The coins the dropped payment spent are the simulator's again.
    const spent = sim.transaction(dropped)!.ins[0];
    expect(sim.coin(hashToId(spent.hash), spent.index)).toBeDefined();
  });

  it('keepOthers: false leaves the surviving transactions in the mempool', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 300_000n);
    await sim.mine();
    const hashes = await sim.reorg(1, { keepOthers: false });
    expect(sim.block(hashes[0])!.txids).toHaveLength(1);
    expect(sim.mempoolTxids()).toEqual([txid]);
    expect(sim.txStatus(txid)).toEqual({ confirmed: false, inMempool: true });
    await sim.mine();
  });

  it('replaces a confirmed payment by a double-spend mined in the new branch', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 400_000n);
    await sim.mine();
    const conflict = await sim.doubleSpend(txid);
    expect(sim.asideTxids()).toEqual([conflict]);
    await expect(sim.mineConflicting(conflict)).rejects.toThrow(/reorg/);

    const [first] = await sim.reorg(1, { include: [conflict] });

    expect(sim.txStatus(conflict)).toMatchObject({ confirmed: true, blockHash: first });
    expect(sim.txStatus(txid)).toEqual({ confirmed: false, inMempool: false });
    expect(sim.mempoolTxids()).toEqual([]);
  });

  it('leaves mempool transactions that were not in the old branch in the mempool', async () => {
    await sim.mine();
    const pending = await sim.pay(BIP84_ADDRESS, 500_000n);
    await sim.reorg(1);
    expect(sim.mempoolTxids()).toEqual([pending]);
    await sim.mine();
  });

  it('rewinds and invalidates blocks: their transactions return to the mempool', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 600_000n);
    const [hash] = await sim.mine();
    await sim.mine(2);
    const height = sim.height;
    await sim.invalidateBlock(hash);
    expect(sim.height).toBe(height - 3);
    expect(sim.mempoolTxids()).toEqual([txid]);
    await sim.mine(4);
    expect(sim.txStatus(txid)).toMatchObject({ confirmed: true, height: height - 2 });
  });
});
