import {
  type Account,
  type Address,
  type Chain,
  getAddress,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { testTokenArtifact } from './test-token-artifact.ts';

/** 1,000,000,000 USDT in 6-decimal units, all to the deployer. */
export const TEST_TOKEN_SUPPLY = 1_000_000_000n * 10n ** 6n;

/**
 * Deploys TestToken ("Test Tether", USDT, 6 decimals) from the wallet's account, which receives
 * the whole supply, and waits for the receipt; returns the checksummed address. Talk to it with
 * viem's `erc20Abi`.
 * @example
 * const usdt = await deployTestToken(anvil.walletClient, anvil.publicClient);
 * await anvil.walletClient.writeContract({ address: usdt, abi: erc20Abi, functionName: 'transfer', args: [to, 5_000_000n] });
 */
export async function deployTestToken(
  walletClient: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient,
  supply: bigint = TEST_TOKEN_SUPPLY,
): Promise<Address> {
  const { abi, bytecode } = testTokenArtifact();
  const hash = await walletClient.deployContract({ abi, bytecode, args: [supply] });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`TestToken deployment ${hash} failed (${receipt.status})`);
  }
  return getAddress(receipt.contractAddress);
}
