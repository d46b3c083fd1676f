import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  getAddress,
  type Hex,
  http,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { PrismaClient } from '../db/client.ts';
import { toInvoiceFacts } from '../db/invoice-facts.ts';
import { parseUnits } from '../domain/decimal-units.ts';
import { nextInvoiceState } from '../domain/invoice-state.ts';
import { DEV_CHAIN_NAME, devChainsConfig } from './dev-chain-config.ts';
import { readDevChainFile } from './dev-chain-file.ts';
import { devPayerPrivateKey } from './dev-wallet.ts';

export interface PayInvoiceInput {
  invoiceId: string;
  /** An asset of the invoice (any case); default: its first dev-chain payment method. */
  asset?: string;
  /** In whole units of the asset ("0.01", "12.5"); default: what remains due in it. */
  amount?: string;
}

export interface PaidInvoice {
  txid: Hex;
  asset: string;
  /** Smallest units sent. */
  amount: bigint;
  decimals: number;
  from: Address;
  to: string;
  invoiceStatus: string;
}

/** Something the user can fix (wrong id, nothing due, dev chain not running): no stack trace. */
export class PayCommandError extends Error {
  override name = 'PayCommandError';
}

/**
 * `kassa pay`: pays an invoice on the local development chain with a real transaction from
 * anvil's funded dev account 0 (Ether, or a TestToken transfer), as a buyer's wallet would, and
 * waits until it is mined. Kassa's watcher then sees it like any other payment.
 */
export async function payInvoice(
  prisma: PrismaClient,
  dataDir: string,
  input: PayInvoiceInput,
): Promise<PaidInvoice> {
  const devChain = readDevChainFile(dataDir);
  if (!devChain)
    throw new PayCommandError(
      `no dev chain under ${dataDir}: start Kassa without KASSA_CHAINS_CONFIG (npm start) first`,
    );
  const invoice = await prisma.invoice.findUnique({
    where: { id: input.invoiceId },
    include: { paymentMethods: { orderBy: { asset: 'asc' } }, payments: true },
  });
  if (!invoice) throw new PayCommandError(`no invoice ${input.invoiceId}`);
  const methods = invoice.paymentMethods.filter((m) => m.chain === DEV_CHAIN_NAME);
  if (methods.length === 0)
    throw new PayCommandError(`invoice ${invoice.id} has no payment method on the dev chain`);
  const wanted = input.asset?.toUpperCase();
  const method = wanted ? methods.find((m) => m.asset === wanted) : methods[0];
  if (!method)
    throw new PayCommandError(
      `invoice ${invoice.id} cannot be paid in ${wanted}; it offers ${methods.map((m) => m.asset).join(', ')}`,
    );
  const asset = devChainsConfig(devChain.rpcUrl, devChain.token).assets[method.asset];
  if (!asset) throw new PayCommandError(`${method.asset} is not an asset of the dev chain`);

  let amount: bigint;
  if (input.amount !== undefined) {
    try {
      amount = parseUnits(input.amount, asset.decimals, '--amount');
    } catch (error) {
      throw new PayCommandError((error as Error).message);
    }
    if (amount <= 0n) throw new PayCommandError('--amount must be greater than 0');
  } else {
    const { facts, payments } = toInvoiceFacts(invoice);
    amount = nextInvoiceState(facts, payments, new Date()).remainingByAsset[method.asset] ?? 0n;
    if (amount <= 0n)
      throw new PayCommandError(
        `nothing remains to pay on invoice ${invoice.id} (${invoice.status}); pass --amount to pay anyway`,
      );
  }

  const chain = defineChain({
    id: devChain.chainId,
    name: 'Kassa dev chain',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [devChain.rpcUrl] } },
  });
  const transport = http(devChain.rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 100 });
  const account = privateKeyToAccount(devPayerPrivateKey());
  const wallet = createWalletClient({ chain, transport, account });
  const answered = await publicClient.getChainId().catch(() => undefined);
  if (answered !== devChain.chainId)
    throw new PayCommandError(
      `the dev chain at ${devChain.rpcUrl} does not answer: is Kassa running (npm start)?`,
    );

  const to = getAddress(method.address);
  const txid = asset.token
    ? await wallet.writeContract({
        address: getAddress(asset.token),
        abi: erc20Abi,
        functionName: 'transfer',
        args: [to, amount],
      })
    : await wallet.sendTransaction({ to, value: amount });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txid, timeout: 30_000 });
  if (receipt.status !== 'success') throw new PayCommandError(`transaction ${txid} failed on chain`);
  return {
    txid,
    asset: method.asset,
    amount,
    decimals: asset.decimals,
    from: account.address,
    to,
    invoiceStatus: invoice.status,
  };
}
