import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  numberToHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ChainsConfig } from '../chains/chains-config.ts';
import { startAnvilProcess } from './anvil-process.ts';
import { deployTestToken } from './deploy-test-token.ts';
import { DEV_CHAIN_ID, devChainsConfig } from './dev-chain-config.ts';
import { devChainDir, readDevChainFile, writeDevChainFile } from './dev-chain-file.ts';
import { devPayerPrivateKey } from './dev-wallet.ts';

export interface DevChain {
  rpcUrl: string;
  /** The TestToken contract (USDT_ETH). */
  token: Address;
  /** The chains configuration Kassa runs with. */
  chains: ChainsConfig;
  genesisHash: string;
  /** When this chain was created: nothing Kassa recorded before belongs to it. */
  genesisTime: Date;
  /** Whether the token was deployed by this start (a new chain) rather than found. */
  deployedToken: boolean;
  /** Mines one block (anvil_mine). */
  mine(): Promise<void>;
  /** The hash of the block at `height`, if the chain has one. */
  hashAt(height: number): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts the local development chain under `<dataDir>/dev-chain/`: anvil with its state kept in
 * a file (blocks, hashes and balances survive restarts, as Postgres does), the TestToken deployed
 * once per chain, and `dev-chain.json` written for `kassa pay`.
 */
export async function startDevChain(options: {
  dataDir: string;
  log?: (line: string) => void;
}): Promise<DevChain> {
  const dir = devChainDir(options.dataDir);
  mkdirSync(dir, { recursive: true });
  let anvil: Awaited<ReturnType<typeof startAnvilProcess>>;
  try {
    anvil = await startAnvilProcess({
      chainId: DEV_CHAIN_ID,
      stateFile: join(dir, 'anvil-state.json'),
      log: options.log,
    });
  } catch (error) {
    throw new Error(
      `cannot start the local development chain (anvil from @foundry-rs/anvil-linux-amd64, or ` +
        `anvil on PATH): ${(error as Error).message}. Set KASSA_CHAINS_CONFIG to use real chains.`,
    );
  }
  try {
    const chain = defineChain({
      id: DEV_CHAIN_ID,
      name: 'Kassa dev chain',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.url] } },
    });
    const transport = http(anvil.url, { retryCount: 0 });
    const publicClient = createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 50 });
    const account = privateKeyToAccount(devPayerPrivateKey());
    const walletClient = createWalletClient({ chain, transport, account, pollingInterval: 50 });

    const genesis = await publicClient.getBlock({ blockNumber: 0n });
    const saved = readDevChainFile(options.dataDir);
    let token: Address | undefined;
    if (saved?.genesisHash === genesis.hash && saved.token) {
      const code = await publicClient.getCode({ address: getAddress(saved.token) });
      if (code && code !== '0x') token = getAddress(saved.token);
    }
    const deployedToken = token === undefined;
    token ??= await deployTestToken(walletClient, publicClient);
    writeDevChainFile(options.dataDir, {
      rpcUrl: anvil.url,
      chainId: DEV_CHAIN_ID,
      token,
      genesisHash: genesis.hash,
    });
    return {
      rpcUrl: anvil.url,
      token,
      chains: devChainsConfig(anvil.url, token),
      genesisHash: genesis.hash,
      genesisTime: new Date(Number(genesis.timestamp) * 1000),
      deployedToken,
      async hashAt(height) {
        const block = await publicClient.getBlock({ blockNumber: BigInt(height) }).catch(() => undefined);
        return block?.hash ?? undefined;
      },
      async mine() {
        await publicClient.request({ method: 'anvil_mine' as never, params: [numberToHex(1)] as never });
      },
      stop: anvil.stop,
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
