import { erc20Abi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../anvil.ts';
import { compileTestToken } from './compile-test-token.ts';
import { deployTestToken, TEST_TOKEN_SUPPLY, testTokenArtifact } from './deploy-test-token.ts';

describe('TestToken', () => {
  it('has a committed artifact that matches its source (rebuild: node scripts/build-test-token.ts)', () => {
    const compiled = compileTestToken();
    const committed = testTokenArtifact();
    expect(committed.compiler).toBe(compiled.compiler);
    expect(committed.abi).toEqual(compiled.abi);
    expect(committed.bytecode).toBe(compiled.bytecode);
  });

  describe('deployed on anvil', () => {
    let anvil: Anvil;
    beforeAll(async () => {
      anvil = await startAnvil();
    });
    afterAll(() => anvil?.stop());

    it('is "Test Tether" (USDT, 6 decimals) with the whole supply at the deployer', async () => {
      const address = await deployTestToken(anvil.walletClient, anvil.publicClient);
      const read = <F extends 'name' | 'symbol' | 'decimals' | 'totalSupply'>(functionName: F) =>
        anvil.publicClient.readContract({ address, abi: erc20Abi, functionName });
      expect(await read('name')).toBe('Test Tether');
      expect(await read('symbol')).toBe('USDT');
      expect(await read('decimals')).toBe(6);
      expect(await read('totalSupply')).toBe(TEST_TOKEN_SUPPLY);
      expect(
        await anvil.publicClient.readContract({
          address,
          abi: erc20Abi,
          functionName: 'balanceOf',
          args: [anvil.account.address],
        }),
      ).toBe(TEST_TOKEN_SUPPLY);
    });

    it('moves tokens with transfer and transferFrom, emitting standard Transfer events', async () => {
      const address = await deployTestToken(anvil.walletClient, anvil.publicClient, 1000n);
      const spender = anvil.walletClient.account.address;
      const to = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
      const write = async (functionName: 'transfer' | 'approve', args: readonly [`0x${string}`, bigint]) =>
        anvil.publicClient.waitForTransactionReceipt({
          hash: await anvil.walletClient.writeContract({ address, abi: erc20Abi, functionName, args }),
        });
      await write('transfer', [to, 100n]);
      await write('approve', [spender, 50n]);
      const hash = await anvil.walletClient.writeContract({
        address,
        abi: erc20Abi,
        functionName: 'transferFrom',
        args: [spender, to, 50n],
      });
      await anvil.publicClient.waitForTransactionReceipt({ hash });
      const events = await anvil.publicClient.getContractEvents({
        address,
        abi: erc20Abi,
        eventName: 'Transfer',
        fromBlock: 0n,
      });
      expect(events.map((e) => e.args)).toEqual([
        { from: '0x0000000000000000000000000000000000000000', to: spender, value: 1000n },
        { from: spender, to, value: 100n },
        { from: spender, to, value: 50n },
      ]);
      const allowance = await anvil.publicClient.readContract({
        address,
        abi: erc20Abi,
        functionName: 'allowance',
        args: [spender, spender],
      });
      expect(allowance).toBe(0n);
    });
  });
});
