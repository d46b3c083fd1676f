import { randomBytes, randomUUID } from 'node:crypto';
import type { AssetConfig, ChainConfig } from '../chains/chains-config.ts';
import { allocateInvoiceAddress, insertFreeAddresses, reserveIndexes } from '../db/address-pool.ts';
import { Prisma, type Tx } from '../db/client.ts';
import { KassaError, NotFoundError } from '../domain/errors.ts';
import {
  type CreateInvoiceInput,
  invoiceRequestHash,
  normalizeInvoiceInput,
} from '../domain/invoice-input.ts';
import { bip21Uri, eip681Uri } from '../domain/payment-uri.ts';
import { type PlannedMethod, planPaymentMethods } from './plan-payment-methods.ts';
import { publishInvoiceEvents } from './publish-invoice-events.ts';
import type { Services } from './services.ts';

/** When fewer than this many pre-derived addresses remain above the one taken, refill the pool. */
const POOL_LOW_WATER = 20;

const BIP21_SCHEME = {
  bitcoin: 'bitcoin',
  litecoin: 'litecoin',
  'bitcoin-cash': 'bitcoincash',
  dogecoin: 'dogecoin',
} as const;

/** 128 random bits, URL-safe: the id is the capability to read the public checkout view. */
function newInvoiceId(): string {
  return randomBytes(16).toString('base64url');
}

function paymentUri(
  chain: ChainConfig,
  asset: AssetConfig,
  address: string,
  amount: bigint,
  label: string,
): string {
  if (chain.family === 'utxo')
    return bip21Uri({ scheme: BIP21_SCHEME[chain.coin], address, amount, decimals: asset.decimals, label });
  return eip681Uri({ chainId: chain.chainId, to: address, amount, token: asset.token });
}

/**
 * Creates an invoice with one payment method per accepted asset, each with its own deposit
 * address from the pool and its amount at a rate locked now. Repeating a create with the same
 * orderId and content returns the first invoice; different content is DUPLICATE_ORDER_ID.
 * Returns the invoice id (callers read what they need of it).
 */
export async function createInvoice(services: Services, storeId: string, raw: CreateInvoiceInput) {
  const { prisma } = services.db;
  const now = services.now();
  const store = await prisma.store.findUniqueOrThrow({ where: { id: storeId } });
  const input = normalizeInvoiceInput(raw, {
    currency: store.defaultCurrency,
    expirationMinutes: store.expirationMinutes,
    monitoringMinutes: store.monitoringMinutes,
    paymentTolerancePercent: store.paymentTolerancePercent.toFixed(),
  });
  const requestHash = invoiceRequestHash(input);
  if (input.orderId) {
    const existing = await findByOrderId(services, storeId, input.orderId, requestHash);
    if (existing) return existing;
  }
  if (
    input.userId &&
    !(await prisma.user.findFirst({ where: { id: input.userId, storeId }, select: { id: true } }))
  )
    throw new NotFoundError('user', input.userId);

  const plan = await planPaymentMethods(prisma, services.chains, services.rates, storeId, input);
  const id = newInvoiceId();
  const expiresAt = new Date(now.getTime() + input.expirationMinutes * 60_000);
  const monitoringEndsAt = new Date(expiresAt.getTime() + input.monitoringMinutes * 60_000);
  const refills = new Set<string>();

  try {
    await prisma.$transaction(async (tx) => {
      await tx.invoice.create({
        data: {
          id,
          storeId,
          orderId: input.orderId,
          requestHash,
          price: input.price,
          currency: input.currency,
          description: input.description,
          metadata: (input.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
          userId: input.userId,
          redirectUrl: input.redirectUrl,
          notificationUrl: input.notificationUrl,
          paymentTolerancePercent: input.paymentTolerancePercent,
          expiresAt,
          monitoringEndsAt,
          createdAt: now,
        },
      });
      // One address per chain: on an EVM chain the native coin and its tokens share it.
      const addressOfChain = new Map<string, { id: string; address: string }>();
      for (const method of plan) {
        if (addressOfChain.has(method.asset.chain)) continue;
        const taken = await takeAddress(services, tx, method, id, now, refills);
        addressOfChain.set(method.asset.chain, taken);
      }
      await tx.paymentMethod.createMany({
        data: plan.map((method) => {
          const address = addressOfChain.get(method.asset.chain)!;
          const chain = services.chains.chains[method.asset.chain];
          return {
            id: randomUUID(),
            invoiceId: id,
            asset: method.asset.code,
            chain: chain.name,
            addressId: address.id,
            address: address.address,
            amountDue: method.amountDue.toString(),
            rate: method.rate,
            rateSource: method.rateSource,
            paymentUri: paymentUri(chain, method.asset, address.address, method.amountDue, store.name),
          };
        }),
      });
      await publishInvoiceEvents(services, tx, { id, storeId, notificationUrl: input.notificationUrl }, [
        'invoice.created',
      ]);
      await services.jobs.send(
        'invoice.deadline',
        { invoiceId: id },
        { tx, startAfter: expiresAt, singletonKey: id },
      );
    });
  } catch (error) {
    // Two creates with one orderId raced: the loser answers like a repeated create.
    if (input.orderId && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const existing = await findByOrderId(services, storeId, input.orderId, requestHash);
      if (existing) return existing;
    }
    throw error;
  }
  services.bus.notifyCommitted();
  for (const walletId of refills) {
    await services.jobs.send('wallet.refill-pool', { walletId }, { singletonKey: walletId }).catch((e) => {
      services.log.warn({ err: e, walletId }, 'could not queue an address pool refill');
    });
  }
  return { id };
}

async function findByOrderId(services: Services, storeId: string, orderId: string, requestHash: string) {
  const existing = await services.db.prisma.invoice.findUnique({
    where: { storeId_orderId: { storeId, orderId } },
    select: { id: true, requestHash: true },
  });
  if (!existing) return undefined;
  if (existing.requestHash !== requestHash)
    throw new KassaError('DUPLICATE_ORDER_ID', `orderId ${orderId} was used for a different invoice`, {
      details: { orderId, invoiceId: existing.id },
    });
  return { id: existing.id };
}

/**
 * An address from the pool; when the pool is empty (a burst outran the refill job), one is
 * derived right here so the create still succeeds, and a refill is queued.
 */
async function takeAddress(
  services: Services,
  tx: Tx,
  method: PlannedMethod,
  invoiceId: string,
  now: Date,
  refills: Set<string>,
): Promise<{ id: string; address: string }> {
  const allocated = await allocateInvoiceAddress(tx, method.walletId, invoiceId, now);
  if (allocated) {
    if (allocated.walletNextIndex - allocated.derivationIndex <= POOL_LOW_WATER) refills.add(method.walletId);
    return allocated;
  }
  refills.add(method.walletId);
  const wallet = await tx.wallet.findUniqueOrThrow({ where: { id: method.walletId } });
  const index = await reserveIndexes(tx, wallet.id, 1);
  const [derived] = services.derivers.forWallet(wallet).derive(index, 1);
  await insertFreeAddresses(tx, wallet, [derived]);
  const taken = await allocateInvoiceAddress(tx, wallet.id, invoiceId, now);
  if (!taken) throw new Error(`address ${index} of wallet ${wallet.id} vanished while allocating`);
  services.log.warn({ walletId: wallet.id, index }, 'address pool was empty; derived on the request path');
  return taken;
}
