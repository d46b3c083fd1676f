import { spawn } from 'node:child_process';
import {
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { anvilBinary, freePort, stopChild } from '../../src/dev-chain/anvil-process.ts';

/**
 * anvil (a real EVM node, from the npm package `@foundry-rs/anvil-linux-amd64`) for tests: one
 * process per call, on 127.0.0.1, with the 10 default dev accounts of anvil's default mnemonic
 * (`test test ... junk`), 10,000 ETH each.
 */

/** Private key of anvil's dev account 0 (published by anvil itself: never for real funds). */
export const ANVIL_PRIVATE_KEY_0: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** Address of dev account 0. */
export const ANVIL_ADDRESS_0: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export interface StartAnvilOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Seconds between blocks (interval mining); undefined mines a block per transaction. */
  blockTime?: number | undefined;
  chainId?: number;
}

/** A transaction for `reorg`: a signed raw transaction, or a request anvil signs for a dev account. */
export type AnvilReorgTransaction =
  | Hex
  | { from?: Address; to?: Address; value?: bigint; data?: Hex; gas?: bigint };

export interface Anvil {
  url: string;
  wsUrl: string;
  port: number;
  chain: Chain;
  /** Dev account 0. */
  account: PrivateKeyAccount;
  /** `cacheTime: 0`, 50 ms polling (waitForTransactionReceipt). */
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, PrivateKeyAccount>;
  testClient: TestClient<'anvil', Transport, Chain>;
  /** A raw JSON-RPC call; throws AnvilRpcError on an error answer. */
  rpc<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
  /** evm_snapshot: an id for `revert`. */
  snapshot(): Promise<Hex>;
  /** evm_revert: back to the snapshot (which is used up; take a new one to revert again). */
  revert(id: Hex): Promise<void>;
  /** Mines `blocks` blocks at once (anvil_mine). */
  mine(blocks?: number): Promise<void>;
  /**
   * anvil_reorg: replaces the last `depth` blocks with `depth` new ones (same height, new hashes).
   * The replaced blocks' transactions are dropped, not returned to the mempool. `txs` fill the
   * new blocks: offset 0 is the first new block (height tip - depth + 1), at most depth - 1.
   */
  reorg(
    depth: number,
    txs?: readonly (readonly [tx: AnvilReorgTransaction, blockOffset: number])[],
  ): Promise<void>;
  /** evm_setAutomine: false keeps transactions in the mempool until `mine`. */
  setAutomine(enabled: boolean): Promise<void>;
  /** Kills the process and waits for it to exit. */
  stop(): Promise<void>;
}

export class AnvilRpcError extends Error {
  override name = 'AnvilRpcError';
  readonly code: number;
  constructor(method: string, code: number, message: string) {
    super(`${method}: ${message} (${code})`);
    this.code = code;
  }
}

const ANVIL_BIN = anvilBinary();
const READY_TIMEOUT_MS = 10_000;

/**
 * Starts anvil and waits until it answers.
 * @example
 * const anvil = await startAnvil();
 * afterAll(() => anvil.stop());
 * await anvil.walletClient.sendTransaction({ to, value: 10n ** 18n });
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<Anvil> {
  const chainId = options.chainId ?? 31337;
  // A port picked here can be taken before anvil binds it; anvil then exits and we pick again.
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort());
    try {
      return await launch(port, chainId, options.blockTime);
    } catch (error) {
      if (options.port || attempt >= 3 || !(error instanceof AnvilExitedError)) throw error;
    }
  }
}

class AnvilExitedError extends Error {
  override name = 'AnvilExitedError';
}

async function launch(port: number, chainId: number, blockTime: number | undefined): Promise<Anvil> {
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId)];
  args.push('--accounts', '10', '--quiet');
  if (blockTime !== undefined) args.push('--block-time', String(blockTime));
  const child = spawn(ANVIL_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.on('error', (error) => {
    stderr += String(error);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // A test file that forgets stop() must not leave a node behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () => stopChild(child, exited, killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const rpc = rpcCaller(url);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let answered: Hex | undefined;
  while (answered === undefined) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      await stop();
      throw new AnvilExitedError(`anvil exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not answer on ${url} within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`);
    }
    answered = await rpc<Hex>('eth_chainId').catch(() => undefined);
    if (answered === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (Number(answered) !== chainId) {
    await stop();
    throw new Error(`${url} answers chain ${Number(answered)}, not ${chainId}: is another node on the port?`);
  }

  const chain = defineChain({
    id: chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url], webSocket: [`ws://127.0.0.1:${port}`] } },
  });
  const account = privateKeyToAccount(ANVIL_PRIVATE_KEY_0);
  const transport = http(url, { retryCount: 0 });
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    chain,
    account,
    publicClient: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 50 }),
    walletClient: createWalletClient({ chain, transport, account, cacheTime: 0, pollingInterval: 50 }),
    testClient: createTestClient({ chain, transport, mode: 'anvil', cacheTime: 0, pollingInterval: 50 }),
    rpc,
    snapshot: () => rpc<Hex>('evm_snapshot'),
    async revert(id) {
      const reverted = await rpc<boolean>('evm_revert', [id]);
      if (!reverted) throw new AnvilRpcError('evm_revert', 0, `no snapshot ${id}`);
    },
    async mine(blocks = 1) {
      await rpc('anvil_mine', [numberToHex(blocks)]);
    },
    async reorg(depth, txs = []) {
      await rpc('anvil_reorg', [depth, txs.map(([tx, offset]) => [reorgTx(tx), offset])]);
    },
    async setAutomine(enabled) {
      await rpc('evm_setAutomine', [enabled]);
    },
    stop,
  };
}

function reorgTx(tx: AnvilReorgTransaction): unknown {
  if (typeof tx === 'string') return tx;
  return {
    from: tx.from ?? ANVIL_ADDRESS_0,
    to: tx.to,
    value: tx.value === undefined ? undefined : numberToHex(tx.value),
    data: tx.data,
    gas: tx.gas === undefined ? undefined : numberToHex(tx.gas),
  };
}

function rpcCaller(url: string) {
  let id = 0;
  return async function rpc<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: T; error?: { code: number; message: string } };
    if (body.error) throw new AnvilRpcError(method, body.error.code, body.error.message);
    return body.result as T;
  };
}
