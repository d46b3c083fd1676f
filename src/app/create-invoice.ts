import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AssetConfig, ChainConfig } from '../chains/chains-config.ts';
import { type AllocatedAddress, allocateInvoiceAddresses } from '../db/address-pool.ts';
import { Prisma } from '../db/client.ts';
import type { Invoice, PaymentMethod } from '../db/generated/prisma/client.ts';
import { insertInvoice, type NewInvoice, type NewPaymentMethod } from '../db/insert-invoice.ts';
import { withPgTransaction } from '../db/sql-tx.ts';
import { KassaError, NotFoundError } from '../domain/errors.ts';
import {
  type CreateInvoiceInput,
  invoiceRequestHash,
  type NormalizedInvoiceInput,
  normalizeInvoiceInput,
} from '../domain/invoice-input.ts';
import { bip21Uri, eip681Uri } from '../domain/payment-uri.ts';
import { enqueueWebhookEvents } from '../webhooks/enqueue-webhook-events.ts';
import { type PlannedMethod, planPaymentMethods } from './plan-payment-methods.ts';
import { invoiceBusEvents, invoiceWebhookEvents } from './publish-invoice-events.ts';
import { refillAddressPool } from './refill-address-pool.ts';
import { requestPoolRefill } from './request-pool-refill.ts';
import type { Services } from './services.ts';
import type { StoreProfile } from './store-catalog.ts';

const BIP21_SCHEME = {
  bitcoin: 'bitcoin',
  litecoin: 'litecoin',
  'bitcoin-cash': 'bitcoincash',
  dogecoin: 'dogecoin',
} as const;

/** Addresses derived on the request path when a burst emptied a wallet's pool. */
const EMERGENCY_DERIVE = 20;
const ATTEMPTS = 3;

/** A new invoice as Prisma would read it back, with its payment methods (by asset). */
export type CreatedInvoice = Invoice & { paymentMethods: PaymentMethod[]; payments: never[] };

/** 128 random bits, URL-safe: the id is the capability to read the public checkout view. */
function newInvoiceId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Creates an invoice with one payment method per accepted asset, each with its own deposit
 * address from the pool and its amount at a rate locked now. Repeating a create with the same
 * orderId and content returns the first invoice (its id only, no `created` rows); different
 * content is DUPLICATE_ORDER_ID.
 *
 * One transaction on a plain pg client: allocate one address per wallet, write the invoice,
 * its methods and bus events in one statement, and the webhook outbox (only when someone
 * listens); expiry needs no job of its own (the worker's deadline sweep reads expiresAt). Store
 * settings and wallets come from the per-process StoreCatalog.
 */
export async function createInvoice(
  services: Services,
  storeId: string,
  raw: CreateInvoiceInput,
): Promise<{ id: string; created?: CreatedInvoice }> {
  const store = await services.stores.get(storeId);
  const input = normalizeInvoiceInput(raw, {
    currency: store.defaultCurrency,
    expirationMinutes: store.expirationMinutes,
    monitoringMinutes: store.monitoringMinutes,
    paymentTolerancePercent: store.paymentTolerancePercent,
  });
  if (
    input.userId &&
    !(await services.db.prisma.user.findFirst({ where: { id: input.userId, storeId }, select: { id: true } }))
  )
    throw new NotFoundError('user', input.userId);
  const plan = await planPaymentMethods(services.chains, services.rates, store.walletOfChain, input);
  const requestHash = invoiceRequestHash(input);

  for (let attempt = 1; ; attempt++) {
    const now = services.now();
    const invoice = newInvoiceRow(store, input, requestHash, now);
    let written: Written;
    try {
      written = await withPgTransaction(services.db.pool, (client) =>
        writeInvoice(services, client, store, invoice, plan),
      );
    } catch (error) {
      if (error instanceof PoolEmpty && attempt < ATTEMPTS) {
        for (const walletId of error.walletIds) {
          services.log.warn({ walletId }, 'address pool was empty; derived on the request path');
          await refillAddressPool(services, walletId, { maxAddresses: EMERGENCY_DERIVE });
        }
        continue;
      }
      // Two creates with one orderId raced, or the create was repeated.
      if (input.orderId && isOrderIdConflict(error)) {
        const existing = await findByOrderId(services, storeId, input.orderId, requestHash);
        if (existing) return existing;
      }
      throw error;
    }
    services.bus.notifyCommitted();
    const lowWater = Math.floor(services.config.addressPoolSize / 2);
    for (const address of written.addresses)
      if (address.walletNextIndex - address.derivationIndex <= lowWater)
        requestPoolRefill(services, address.walletId);
    return { id: invoice.id, created: written.created };
  }
}

interface Written {
  created: CreatedInvoice;
  addresses: AllocatedAddress[];
}

/** A wallet's pool had no free address; the transaction rolls back and the create retries. */
class PoolEmpty extends Error {
  readonly walletIds: string[];
  constructor(walletIds: string[]) {
    super(`address pool empty for wallets ${walletIds.join(', ')}`);
    this.walletIds = walletIds;
  }
}

async function writeInvoice(
  services: Services,
  client: pg.PoolClient,
  store: StoreProfile,
  invoice: NewInvoice,
  plan: PlannedMethod[],
): Promise<Written> {
  // One address per chain: on an EVM chain the native coin and its tokens share it.
  const walletIds = [...new Set(plan.map((m) => m.walletId))];
  const addresses = await allocateInvoiceAddresses(client, walletIds, invoice.id, invoice.createdAt);
  if (addresses.length < walletIds.length)
    throw new PoolEmpty(walletIds.filter((id) => !addresses.some((a) => a.walletId === id)));
  const addressOf = new Map(addresses.map((a) => [a.walletId, a]));
  const methods: NewPaymentMethod[] = plan.map((method) => {
    const address = addressOf.get(method.walletId)!;
    const chain = services.chains.chains[method.asset.chain];
    return {
      id: randomUUID(),
      asset: method.asset.code,
      chain: chain.name,
      addressId: address.id,
      address: address.address,
      amountDue: method.amountDue,
      rate: method.rate,
      rateSource: method.rateSource,
      paymentUri: paymentUri(chain, method.asset, address.address, method.amountDue, store.name),
    };
  });
  // publishInvoiceEvents' two halves, the bus rows folded into the insert statement and the
  // outbox skipped when nobody can receive the webhook.
  const types = ['invoice.created'] as const;
  const { hasWebhookEndpoints } = await insertInvoice(
    client,
    invoice,
    methods,
    invoiceBusEvents(invoice, types),
  );
  if (hasWebhookEndpoints || invoice.notificationUrl)
    await enqueueWebhookEvents(services, client, invoiceWebhookEvents(invoice, types));
  return { created: asPrismaRows(invoice, methods), addresses };
}

function newInvoiceRow(
  store: StoreProfile,
  input: NormalizedInvoiceInput,
  requestHash: string,
  now: Date,
): NewInvoice {
  const expiresAt = new Date(now.getTime() + input.expirationMinutes * 60_000);
  return {
    id: newInvoiceId(),
    storeId: store.id,
    orderId: input.orderId,
    requestHash,
    price: input.price,
    currency: input.currency,
    description: input.description,
    metadata: input.metadata ?? null,
    userId: input.userId,
    redirectUrl: input.redirectUrl,
    notificationUrl: input.notificationUrl,
    paymentTolerancePercent: input.paymentTolerancePercent,
    expiresAt,
    monitoringEndsAt: new Date(expiresAt.getTime() + input.monitoringMinutes * 60_000),
    createdAt: now,
  };
}

/** The rows just written, shaped as Prisma reads them, so the API answers without a read-back. */
function asPrismaRows(invoice: NewInvoice, methods: NewPaymentMethod[]): CreatedInvoice {
  return {
    ...invoice,
    status: 'NEW',
    exceptionStatus: 'NONE',
    price: new Prisma.Decimal(invoice.price),
    paymentTolerancePercent: new Prisma.Decimal(invoice.paymentTolerancePercent),
    metadata: invoice.metadata as Prisma.JsonValue,
    updatedAt: invoice.createdAt,
    paymentMethods: methods
      .map((m) => ({
        id: m.id,
        invoiceId: invoice.id,
        asset: m.asset,
        chain: m.chain,
        addressId: m.addressId,
        address: m.address,
        amountDue: new Prisma.Decimal(m.amountDue.toString()),
        rate: m.rate === null ? null : new Prisma.Decimal(m.rate),
        rateSource: m.rateSource,
        paymentUri: m.paymentUri,
      }))
      .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0)),
    payments: [],
  };
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

/** The unique violation of ("storeId", "orderId"), from pg. */
function isOrderIdConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (e.constraint?.includes('orderId') ?? false);
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
