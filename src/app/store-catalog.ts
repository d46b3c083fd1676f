import type { PrismaClient } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { topics } from '../events/topics.ts';

/** What creating an invoice needs to know of its store, read once and kept. */
export interface StoreProfile {
  id: string;
  name: string;
  defaultCurrency: string;
  expirationMinutes: number;
  monitoringMinutes: number;
  /** Decimal string, e.g. "0" or "2.5". */
  paymentTolerancePercent: string;
  /** The wallet that receives new invoices on each chain: the newest one added. */
  walletOfChain: ReadonlyMap<string, string>;
  /**
   * Whether this process's last invoice write found webhook endpoints on the store: a hint
   * that picks the shape of the next write (which checks for itself), learnt as invoices are
   * created and forgotten with the entry.
   */
  webhookEndpointsSeen: boolean;
}

/** A safety net only: changes evict entries at once through the bus. */
const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  profile: Promise<StoreProfile>;
  until: number;
}

/**
 * Store settings and wallets, cached per process because every invoice needs them and they
 * rarely change. A change (updateStore, addWallet) evicts the store in the changing process at
 * once and in every other process when its `storeChanged` event arrives (milliseconds after
 * commit, at worst one bus poll later).
 */
export class StoreCatalog {
  readonly #prisma: PrismaClient;
  readonly #entries = new Map<string, Entry>();
  #changes: AsyncIterableIterator<unknown> | undefined;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Follows store changes published by any process. */
  listen(bus: EventBus): void {
    const channel = bus.subscribe(topics.storeChanged());
    this.#changes = channel;
    (async () => {
      for await (const event of channel) if (event.storeId) this.forget(event.storeId);
    })();
  }

  stop(): void {
    this.#changes?.return?.();
    this.#entries.clear();
  }

  forget(storeId: string): void {
    this.#entries.delete(storeId);
  }

  /** The store's profile. Callers pass the id of an authenticated store, so it exists. */
  get(storeId: string): Promise<StoreProfile> {
    const now = Date.now();
    const cached = this.#entries.get(storeId);
    if (cached && cached.until > now) return cached.profile;
    const entry: Entry = { profile: this.#load(storeId), until: now + TTL_MS };
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(storeId, entry);
    // A failed read is not kept; an eviction during the read replaced or removed the entry.
    entry.profile.catch(() => {
      if (this.#entries.get(storeId) === entry) this.#entries.delete(storeId);
    });
    return entry.profile;
  }

  async #load(storeId: string): Promise<StoreProfile> {
    const [store, wallets] = await Promise.all([
      this.#prisma.store.findUniqueOrThrow({ where: { id: storeId } }),
      this.#prisma.wallet.findMany({
        where: { storeId },
        orderBy: { createdAt: 'desc' },
        select: { id: true, chain: true },
      }),
    ]);
    const walletOfChain = new Map<string, string>();
    for (const w of wallets) if (!walletOfChain.has(w.chain)) walletOfChain.set(w.chain, w.id);
    return {
      id: store.id,
      name: store.name,
      defaultCurrency: store.defaultCurrency,
      expirationMinutes: store.expirationMinutes,
      monitoringMinutes: store.monitoringMinutes,
      paymentTolerancePercent: store.paymentTolerancePercent.toFixed(),
      walletOfChain,
      webhookEndpointsSeen: false,
    };
  }
}
