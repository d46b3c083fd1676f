import { randomBytes, randomUUID } from 'node:crypto';
import { Prisma } from '../db/client.ts';
import type { Invoice, PaymentMethod } from '../db/generated/prisma/client.ts';
import {
  type AllocatedAddress,
  type InsertInvoiceResult,
  insertInvoice,
  type NewInvoice,
  type NewPaymentMethod,
} from '../db/insert-invoice.ts';
import { withPgTransaction } from '../db/sql-tx.ts';
import { KassaError, NotFoundError } from '../domain/errors.ts';
import {
  type CreateInvoiceInput,
  invoiceRequestHash,
  type NormalizedInvoiceInput,
  normalizeInvoiceInput,
} from '../domain/invoice-input.ts';
import { enqueueWebhookEvents } from '../webhooks/enqueue-webhook-events.ts';
import { paymentUriParts } from './payment-uri-for.ts';
import { type PlannedMethod, planPaymentMethods } from './plan-payment-methods.ts';
import { invoiceBusEvents, invoiceWebhookEvents } from './publish-invoice-events.ts';
import { refillAddressPool } from './refill-address-pool.ts';
import { requestPoolRefill } from './request-pool-refill.ts';
import type { Services } from './services.ts';
import type { StoreProfile } from './store-catalog.ts';

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
 * One statement takes one address per wallet and writes the invoice, its methods and bus
 * events (see writeInvoice for when it also needs a transaction for the webhook outbox);
 * expiry needs no job of its own (the worker's deadline sweep reads expiresAt). Store settings
 * and wallets come from the per-process StoreCatalog.
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

  // One address per wallet: on an EVM chain the native coin and its tokens share it.
  const methods = plan.map((method) => newPaymentMethod(services, store, method));
  /** The invoice a create with this orderId already made (DUPLICATE_ORDER_ID if it differs). */
  const earlier = () =>
    input.orderId ? findByOrderId(services, storeId, input.orderId, requestHash) : undefined;
  for (let attempt = 1; ; attempt++) {
    const invoice = newInvoiceRow(store, input, requestHash, services.now());
    let result: InsertInvoiceResult;
    try {
      result = await writeInvoice(services, store, invoice, methods);
    } catch (error) {
      // Two creates with one orderId raced, or the create was repeated.
      const existing = isOrderIdConflict(error) ? await earlier() : undefined;
      if (existing) return existing;
      throw error;
    }
    if (!result.written) {
      // Nothing was inserted, so a repeated orderId went unnoticed: answer it before deriving.
      const existing = await earlier();
      if (existing) return existing;
      if (attempt >= ATTEMPTS)
        throw new Error(`address pool still empty for wallets ${result.emptyWallets.join(', ')}`);
      for (const walletId of result.emptyWallets) {
        services.log.warn({ walletId }, 'address pool was empty; derived on the request path');
        await refillAddressPool(services, walletId, { maxAddresses: EMERGENCY_DERIVE });
      }
      continue;
    }
    services.bus.notifyCommitted();
    const lowWater = Math.floor(services.config.addressPoolSize / 2);
    for (const address of result.addresses)
      if (address.walletNextIndex - address.derivationIndex <= lowWater)
        requestPoolRefill(services, address.walletId);
    return { id: invoice.id, created: asPrismaRows(invoice, methods, result.addresses) };
  }
}

const CREATED = ['invoice.created'] as const;

/**
 * When no one can receive a webhook of the invoice (no notificationUrl, and the store had no
 * endpoints the last time this process looked), the write is one statement on the pool: one
 * round trip and its own transaction. The statement checks for endpoints itself and writes
 * nothing if it finds some; then, as for every store with endpoints, the write and its outbox
 * rows share a transaction.
 */
async function writeInvoice(
  services: Services,
  store: StoreProfile,
  invoice: NewInvoice,
  methods: NewPaymentMethod[],
): Promise<InsertInvoiceResult> {
  const events = invoiceBusEvents(invoice, CREATED);
  if (!invoice.notificationUrl && !store.webhookEndpointsSeen) {
    const result = await insertInvoice(services.db.pool, invoice, methods, events, {
      refuseIfWebhookEndpoints: true,
    });
    store.webhookEndpointsSeen = result.hasWebhookEndpoints;
    if (result.written || !result.hasWebhookEndpoints) return result;
  }
  return withPgTransaction(services.db.pool, async (client) => {
    const result = await insertInvoice(client, invoice, methods, events, { refuseIfWebhookEndpoints: false });
    store.webhookEndpointsSeen = result.hasWebhookEndpoints;
    if (result.written && (result.hasWebhookEndpoints || invoice.notificationUrl))
      await enqueueWebhookEvents(services, client, invoiceWebhookEvents(invoice, CREATED));
    return result;
  });
}

function newPaymentMethod(services: Services, store: StoreProfile, method: PlannedMethod): NewPaymentMethod {
  const chain = services.chains.chains[method.asset.chain];
  const uri = paymentUriParts(chain, method.asset, method.amountDue, store.name);
  return {
    id: randomUUID(),
    asset: method.asset.code,
    chain: chain.name,
    walletId: method.walletId,
    amountDue: method.amountDue,
    rate: method.rate,
    rateSource: method.rateSource,
    uriBefore: uri.before,
    uriAfter: uri.after,
  };
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
function asPrismaRows(
  invoice: NewInvoice,
  methods: NewPaymentMethod[],
  addresses: AllocatedAddress[],
): CreatedInvoice {
  const addressOf = new Map(addresses.map((a) => [a.walletId, a]));
  return {
    ...invoice,
    status: 'NEW',
    exceptionStatus: 'NONE',
    price: new Prisma.Decimal(invoice.price),
    paymentTolerancePercent: new Prisma.Decimal(invoice.paymentTolerancePercent),
    metadata: invoice.metadata as Prisma.JsonValue,
    updatedAt: invoice.createdAt,
    paymentMethods: methods
      .map((m) => {
        const address = addressOf.get(m.walletId)!;
        return {
          id: m.id,
          invoiceId: invoice.id,
          asset: m.asset,
          chain: m.chain,
          addressId: address.id,
          address: address.address,
          amountDue: new Prisma.Decimal(m.amountDue.toString()),
          rate: m.rate === null ? null : new Prisma.Decimal(m.rate),
          rateSource: m.rateSource,
          // As the statement wrote it.
          paymentUri: `${m.uriBefore}${address.address}${m.uriAfter}`,
        };
      })
      .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0)),
    payments: [],
  };
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
