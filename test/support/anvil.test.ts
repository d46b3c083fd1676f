import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_ADDRESS_0, type Anvil, AnvilRpcError, startAnvil } from './anvil.ts';

const PAYEE = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';

describe('anvil test support', () => {
  let anvil: Anvil;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(() => anvil?.stop());

  const tip = () => anvil.publicClient.getBlockNumber();
  const hashAt = async (n: bigint) => (await anvil.publicClient.getBlock({ blockNumber: n })).hash;

  it('starts on a free port with the funded dev account 0', async () => {
    expect(anvil.url).toBe(`http://127.0.0.1:${anvil.port}`);
    expect(anvil.wsUrl).toBe(`ws://127.0.0.1:${anvil.port}`);
    expect(await anvil.publicClient.getChainId()).toBe(31337);
    expect(anvil.account.address).toBe(ANVIL_ADDRESS_0);
    expect(await anvil.publicClient.getBalance({ address: ANVIL_ADDRESS_0 })).toBe(parseEther('10000'));
  });

  it('mines blocks and reverts to a snapshot', async () => {
    const start = await tip();
    const id = await anvil.snapshot();
    await anvil.mine(3);
    expect(await tip()).toBe(start + 3n);
    await anvil.revert(id);
    expect(await tip()).toBe(start);
    await expect(anvil.revert(id)).rejects.toThrow(AnvilRpcError); // a snapshot is used up
  });

  it('holds transactions in the mempool while automine is off', async () => {
    const start = await tip();
    await anvil.setAutomine(false);
    try {
      const hash = await anvil.walletClient.sendTransaction({ to: PAYEE, value: 1n });
      expect(await tip()).toBe(start);
      await anvil.mine(1);
      const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.blockNumber).toBe(start + 1n);
    } finally {
      await anvil.setAutomine(true);
    }
  });

  it('reorgs: same height, new hashes from the common ancestor, txs at offsets from it', async () => {
    await anvil.mine(3);
    const height = await tip();
    const old = await Promise.all([height - 2n, height - 1n, height].map(hashAt));
    await anvil.reorg(2, [[{ to: PAYEE, value: 7n }, 1]]);
    expect(await tip()).toBe(height);
    expect(await hashAt(height - 2n)).toBe(old[0]); // the common ancestor stays
    expect(await hashAt(height - 1n)).not.toBe(old[1]);
    expect(await hashAt(height)).not.toBe(old[2]);
    const block = await anvil.publicClient.getBlock({ blockNumber: height, includeTransactions: true });
    expect(block.transactions.map((t) => [t.to, t.value])).toEqual([[PAYEE.toLowerCase(), 7n]]);
    await expect(anvil.reorg(2, [[{ to: PAYEE, value: 1n }, 2]])).rejects.toThrow(/must not exceed/);
  });

  it('stops: the port no longer answers', async () => {
    const other = await startAnvil({ chainId: 5 });
    expect(await other.rpc('eth_chainId')).toBe('0x5');
    await other.stop();
    await expect(fetch(other.url, { method: 'POST' })).rejects.toThrow();
    await other.stop(); // idempotent
  });

  it('mines on an interval with blockTime', async () => {
    const timed = await startAnvil({ blockTime: 1 });
    try {
      const start = await timed.publicClient.getBlockNumber();
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(await timed.publicClient.getBlockNumber()).toBeGreaterThanOrEqual(start + 1n);
    } finally {
      await timed.stop();
    }
  });
});
