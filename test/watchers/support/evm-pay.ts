import {
  type Address,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  http,
  keccak256,
  parseEther,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Anvil } from '../../support/anvil.ts';

/** Sends `wei` from anvil's dev account 0 and waits until it is mined (its own block: automine). */
export async function payEth(anvil: Anvil, to: string, wei: bigint): Promise<Hex> {
  const hash = await anvil.walletClient.sendTransaction({ to: to as Address, value: wei });
  await mined(anvil, hash);
  return hash;
}

/** Transfers `units` of the token from dev account 0 and waits until it is mined. */
export async function payToken(anvil: Anvil, token: Address, to: string, units: bigint): Promise<Hex> {
  const hash = await anvil.walletClient.writeContract({
    address: token,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [to as Address, units],
  });
  await mined(anvil, hash);
  return hash;
}

async function mined(anvil: Anvil, hash: Hex) {
  const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} failed`);
  return receipt;
}

export interface SignedTx {
  /** The signed transaction, as anvil_reorg and eth_sendRawTransaction take it. */
  raw: Hex;
  hash: Hex;
}

/**
 * A sender of its own (a fresh key funded with 10 ETH and, when `token` is given, 1,000,000
 * tokens) that signs raw transactions: anvil_reorg can put exactly those bytes (same txid) into
 * the new branch, and its nonces do not depend on what the other tests send.
 */
export async function fundedSender(anvil: Anvil, token?: Address) {
  const account = privateKeyToAccount(generatePrivateKey());
  await payEth(anvil, account.address, parseEther('10'));
  if (token) await payToken(anvil, token, account.address, 1_000_000n * 10n ** 6n);
  const wallet = createWalletClient({ chain: anvil.chain, transport: http(anvil.url), account });

  let nonce = await anvil.publicClient.getTransactionCount({ address: account.address });

  /** Signs without sending, at the sender's next nonce. */
  async function sign(request: { to: Address; value?: bigint; data?: Hex }): Promise<SignedTx> {
    const prepared = await wallet.prepareTransactionRequest({
      ...request,
      account,
      chain: anvil.chain,
      nonce: nonce++,
      gas: 100_000n,
    });
    const raw = await wallet.signTransaction(prepared as never);
    return { raw, hash: keccak256(raw) };
  }

  async function send(request: { to: Address; value?: bigint; data?: Hex }): Promise<SignedTx> {
    const signed = await sign(request);
    await anvil.publicClient.sendRawTransaction({ serializedTransaction: signed.raw });
    await mined(anvil, signed.hash);
    return signed;
  }

  const tokenTransfer = (tokenAddress: Address, to: string, units: bigint) => ({
    to: tokenAddress,
    data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to as Address, units] }),
  });

  return {
    address: account.address,
    /** Sends ETH; returns the signed bytes and the txid once mined. */
    payEth: (to: string, wei: bigint) => send({ to: to as Address, value: wei }),
    /** Transfers tokens; returns the signed bytes and the txid once mined. */
    payToken: (tokenAddress: Address, to: string, units: bigint) =>
      send(tokenTransfer(tokenAddress, to, units)),
    /** Signs a token transfer at the next nonce without sending it (for a reorg's new branch). */
    signToken: (tokenAddress: Address, to: string, units: bigint) =>
      sign(tokenTransfer(tokenAddress, to, units)),
    /** Forgets nonces handed out to transactions that a reorg dropped. */
    async resyncNonce() {
      nonce = await anvil.publicClient.getTransactionCount({ address: account.address });
    },
  };
}
