import {
  type Address,
  createPublicClient,
  custom,
  encodeFunctionData,
  erc20Abi,
  type Hash,
  http,
  parseEther,
} from 'viem';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../../test/support/anvil.ts';
import { deployTestToken } from '../../../test/support/contracts/deploy-test-token.ts';
import { EvmChainMovedError } from './evm-chain-moved-error.ts';
import { type ScanEvmBlocksOptions, scanEvmBlocks } from './scan-evm-blocks.ts';

/** First address of the test mnemonic (m/44'/60'/0'/0/0) and two more that nobody watches. */
const PAYEE: Address = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
const OTHER: Address = '0x00000000000000000000000000000000000b0b00';
const USDT = 1_000_000n;

let anvil: Anvil;
let token: Address;
let snapshot: `0x${string}`;

beforeAll(async () => {
  anvil = await startAnvil();
  token = await deployTestToken(anvil.walletClient, anvil.publicClient);
});
afterAll(() => anvil?.stop());
beforeEach(async () => {
  snapshot = await anvil.snapshot();
});
afterEach(() => anvil.revert(snapshot));

async function mined(hash: Promise<Hash>) {
  return anvil.publicClient.waitForTransactionReceipt({ hash: await hash });
}
const pay = (to: Address, value: bigint, gas?: bigint) =>
  mined(anvil.walletClient.sendTransaction({ to, value, gas }));
const payToken = (to: Address, amount: bigint, gas?: bigint) =>
  mined(
    anvil.walletClient.writeContract({
      address: token,
      abi: erc20Abi,
      functionName: 'transfer',
      args: [to, amount],
      gas,
    }),
  );

function scan(from: bigint, to: bigint, overrides: Partial<ScanEvmBlocksOptions> = {}) {
  return scanEvmBlocks(anvil.publicClient, {
    fromBlock: from,
    toBlock: to,
    watched: new Set([PAYEE.toLowerCase()]),
    tokens: [token],
    logsBlockRange: 2000,
    ...overrides,
  });
}

describe('scanEvmBlocks against anvil', () => {
  it('finds a native payment to a watched address with its amount and block', async () => {
    const receipt = await pay(PAYEE, parseEther('1.5'));
    const { blocks, transfers } = await scan(receipt.blockNumber, receipt.blockNumber);
    expect(blocks).toEqual([
      expect.objectContaining({ number: receipt.blockNumber, hash: receipt.blockHash }),
    ]);
    expect(transfers).toEqual([
      {
        txHash: receipt.transactionHash,
        logIndex: -1,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        from: anvil.account.address,
        to: PAYEE,
        token: null,
        amount: parseEther('1.5'),
      },
    ]);
  });

  it('ignores payments to unwatched addresses and zero-value transfers', async () => {
    const first = await pay(OTHER, parseEther('1'));
    await payToken(OTHER, 5n * USDT);
    await pay(PAYEE, 0n);
    const last = await payToken(PAYEE, 0n); // address-poisoning style: a 0 Transfer log
    const { blocks, transfers } = await scan(first.blockNumber, last.blockNumber);
    expect(blocks).toHaveLength(4);
    expect(transfers).toEqual([]);
  });

  it('finds ERC-20 Transfer logs of a configured token with log index and token', async () => {
    const receipt = await payToken(PAYEE, 25n * USDT);
    const { transfers } = await scan(receipt.blockNumber, receipt.blockNumber);
    expect(transfers).toEqual([
      {
        txHash: receipt.transactionHash,
        logIndex: receipt.logs[0].logIndex,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        from: anvil.account.address,
        to: PAYEE,
        token,
        amount: 25n * USDT,
      },
    ]);
  });

  it('ignores Transfer logs of tokens that are not configured', async () => {
    const receipt = await payToken(PAYEE, 25n * USDT);
    const { transfers } = await scan(receipt.blockNumber, receipt.blockNumber, { tokens: [OTHER] });
    expect(transfers).toEqual([]);
  });

  it('ignores a reverted token transfer and a reverted native payment', async () => {
    // More than the whole supply: the token reverts, and no Transfer log is left.
    const failedToken = await payToken(PAYEE, 10n ** 30n, 100_000n);
    expect(failedToken.status).toBe('reverted');
    // The token contract has no receive function: coin sent to it bounces. Watch it to prove
    // the receipt is what rules the payment out (the transaction does name a watched `to`).
    const failedNative = await pay(token, parseEther('1'), 100_000n);
    expect(failedNative.status).toBe('reverted');
    const { transfers } = await scan(failedToken.blockNumber, failedNative.blockNumber, {
      watched: new Set([PAYEE.toLowerCase(), token.toLowerCase()]),
    });
    expect(transfers).toEqual([]);
  });

  it('gives the same result with logsBlockRange 2 over 7 blocks, in order', async () => {
    const receipts = [
      await payToken(PAYEE, 1n * USDT),
      await pay(PAYEE, 1n),
      await payToken(OTHER, 2n * USDT),
      await payToken(PAYEE, 3n * USDT),
      await pay(OTHER, 4n),
      await pay(PAYEE, 5n),
      await payToken(PAYEE, 6n * USDT),
    ];
    const from = receipts[0].blockNumber;
    const to = receipts[6].blockNumber;
    expect(to - from).toBe(6n);
    const whole = await scan(from, to);
    expect(whole.transfers.map((t) => t.amount)).toEqual([1n * USDT, 1n, 3n * USDT, 5n, 6n * USDT]);
    expect(whole.blocks.map((b) => b.number)).toEqual(receipts.map((r) => r.blockNumber));

    const ranges: string[] = [];
    const counting = createPublicClient({
      chain: anvil.chain,
      cacheTime: 0,
      transport: http(anvil.url, {
        async onFetchRequest(request) {
          const body = JSON.parse(await request.clone().text());
          if (body.method === 'eth_getLogs')
            ranges.push(`${body.params[0].fromBlock}-${body.params[0].toBlock}`);
        },
      }),
    });
    const chunked = await scanEvmBlocks(counting, {
      fromBlock: from,
      toBlock: to,
      watched: new Set([PAYEE.toLowerCase()]),
      tokens: [token],
      logsBlockRange: 2,
    });
    expect(chunked).toEqual(whole);
    expect(ranges).toHaveLength(4);
    // Past maxTopicAddresses the node sends every Transfer and the scan filters: same result.
    expect(await scan(from, to, { maxTopicAddresses: 0 })).toEqual(whole);
  });

  it('halves a getLogs chunk the provider refuses as too large, down to what it accepts', async () => {
    const first = await payToken(PAYEE, 1n * USDT);
    for (let i = 0; i < 5; i++) await pay(OTHER, 1n);
    const last = await payToken(PAYEE, 7n * USDT);
    const whole = await scan(first.blockNumber, last.blockNumber);

    const asked: bigint[] = [];
    const picky = createPublicClient({
      chain: anvil.chain,
      cacheTime: 0,
      transport: custom(
        {
          async request({ method, params }) {
            if (method === 'eth_getLogs') {
              const span = BigInt(params[0].toBlock) - BigInt(params[0].fromBlock) + 1n;
              asked.push(span);
              if (span > 2n) throw { code: -32005, message: 'query returned more than 10000 results' };
            }
            return anvil.rpc(method, params);
          },
        },
        { retryCount: 0 },
      ),
    });
    const result = await scanEvmBlocks(picky, {
      fromBlock: first.blockNumber,
      toBlock: last.blockNumber,
      watched: new Set([PAYEE.toLowerCase()]),
      tokens: [token],
      logsBlockRange: 2000,
    });
    expect(result).toEqual(whole);
    expect(asked).toEqual([7n, 4n, 2n, 2n, 3n, 2n, 1n]);
  });

  it('does not split on other errors (a rate limit), nor below one block', async () => {
    const receipt = await payToken(PAYEE, 1n * USDT);
    const failing = (message: string) =>
      createPublicClient({
        chain: anvil.chain,
        transport: custom(
          {
            async request({ method, params }) {
              if (method === 'eth_getLogs') throw { code: -32005, message };
              return anvil.rpc(method, params);
            },
          },
          { retryCount: 0 },
        ),
      });
    const options = {
      fromBlock: receipt.blockNumber - 1n,
      toBlock: receipt.blockNumber,
      watched: new Set([PAYEE.toLowerCase()]),
      tokens: [token],
      logsBlockRange: 10,
    };
    await expect(
      scanEvmBlocks(failing('daily request count exceeded, request rate limited'), options),
    ).rejects.toThrow(/rate limited/);
    await expect(scanEvmBlocks(failing('block range is too large'), options)).rejects.toThrow(/too large/);
  });

  it('sees a reorg: the height gets a new hash and the payment leaves it', async () => {
    const receipt = await pay(PAYEE, parseEther('2'));
    await anvil.mine(1);
    const before = await scan(receipt.blockNumber, receipt.blockNumber + 1n);
    expect(before.transfers).toHaveLength(1);

    // Replace the last 2 blocks; the payment comes back in the second new block.
    await anvil.reorg(2, [[{ to: PAYEE, value: parseEther('2') }, 1]]);
    const after = await scan(receipt.blockNumber, receipt.blockNumber + 1n);
    expect(after.blocks.map((b) => b.number)).toEqual(before.blocks.map((b) => b.number));
    expect(after.blocks[0].hash).not.toBe(before.blocks[0].hash);
    expect(after.blocks[1].hash).not.toBe(before.blocks[1].hash);
    expect(after.blocks[1].parentHash).toBe(after.blocks[0].hash);
    expect(after.transfers).toEqual([
      expect.objectContaining({
        blockNumber: receipt.blockNumber + 1n,
        blockHash: after.blocks[1].hash,
        amount: parseEther('2'),
      }),
    ]);

    // A reorg with nothing put back: the payment is gone.
    await anvil.reorg(1);
    const gone = await scan(receipt.blockNumber, receipt.blockNumber + 1n);
    expect(gone.blocks[1].hash).not.toBe(after.blocks[1].hash);
    expect(gone.transfers).toEqual([]);
  });

  it('throws EvmChainMovedError when a reorg lands between reading blocks and logs', async () => {
    const receipt = await payToken(PAYEE, 9n * USDT);
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [PAYEE, 9n * USDT] });
    let reorged = false;
    const racing = createPublicClient({
      chain: anvil.chain,
      transport: custom(
        {
          async request({ method, params }) {
            if (method === 'eth_getLogs' && !reorged) {
              reorged = true; // the same transfer, mined again into a new block at the same height
              await anvil.reorg(1, [[{ to: token, data, gas: 100_000n }, 0]]);
            }
            return anvil.rpc(method, params);
          },
        },
        { retryCount: 0 },
      ),
    });
    const error = await scanEvmBlocks(racing, {
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
      watched: new Set([PAYEE.toLowerCase()]),
      tokens: [token],
      logsBlockRange: 10,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvmChainMovedError);
    expect((error as EvmChainMovedError).blockNumber).toBe(receipt.blockNumber);
  });

  it('returns nothing for an empty range and refuses a logsBlockRange below 1', async () => {
    expect(await scan(5n, 4n)).toEqual({ blocks: [], transfers: [] });
    await expect(scan(0n, 0n, { logsBlockRange: 0 })).rejects.toThrow(RangeError);
  });
});
