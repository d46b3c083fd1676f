import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createApiKey } from '../../src/app/create-api-key.ts';
import { createStore } from '../../src/app/create-store.ts';
import { createUser } from '../../src/app/create-user.ts';
import { createUserToken } from '../../src/app/create-user-token.ts';
import { type ChangedPayment, refreshChainPayments } from '../../src/app/refresh-chain-payments.ts';
import type { Services } from '../../src/app/services.ts';
import type { Tx } from '../../src/db/client.ts';
import { upsertPayment } from '../../src/db/upsert-payment.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';

/** A database of its own and Kassa (api role: no chain watchers) in this process. */
export interface LedgerWorld {
  db: TestDatabase;
  kassa: RunningKassa;
  services: Services;
  /** Plain SQL, for facts and proofs that do not go through Kassa's code. */
  sql: pg.Pool;
  stop(): Promise<void>;
}

export async function startLedgerWorld(options: { now?: () => Date } = {}): Promise<LedgerWorld> {
  const db = await createTestDatabase();
  const kassa = await startKassa(
    db.url,
    { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH, KASSA_ROLE: 'api' },
    options,
  );
  const sql = new pg.Pool({ connectionString: db.url, max: 3 });
  return {
    db,
    kassa,
    services: kassa.app.services!,
    sql,
    async stop() {
      await sql.end();
      await kassa.stop();
      await db.drop();
    },
  };
}

export interface LedgerStore {
  id: string;
  adminKey: string;
  /** Only `ledger:read`. */
  ledgerKey: string;
  /** Everything but the ledger. */
  noLedgerKey: string;
}

export async function seedLedgerStore(services: Services, name = 'Ledger store'): Promise<LedgerStore> {
  const { prisma } = services.db;
  const { store, apiKey } = await createStore(prisma, { name });
  const ledger = await createApiKey(prisma, store.id, { label: 'books', scopes: ['ledger:read'] });
  const other = await createApiKey(prisma, store.id, {
    label: 'shop',
    scopes: ['invoices:read', 'invoices:write', 'users:read'],
  });
  return { id: store.id, adminKey: apiKey.secret, ledgerKey: ledger.secret, noLedgerKey: other.secret };
}

export async function seedUser(services: Services, storeId: string, externalId: string) {
  const user = await createUser(services.db.prisma, storeId, { externalId });
  const { token } = await createUserToken(services.db.prisma, storeId, user.id, 3600, services.now());
  return { id: user.id, externalId, token };
}

/** An invoice row as createInvoice would leave it, without wallets or rates (ledger tests only). */
export async function insertInvoice(
  sql: pg.Pool,
  input: {
    storeId: string;
    userId?: string | null;
    currency?: string;
    price?: string;
    orderId?: string | null;
    methods: Array<{ asset: string; amountDue: bigint; rate: string | null }>;
    monitoringEndsAt?: Date;
  },
): Promise<string> {
  const id = `inv_${randomUUID().replace(/-/g, '')}`;
  const now = Date.now();
  await sql.query(
    `INSERT INTO "Invoice" (id, "storeId", "orderId", "requestHash", price, currency, "userId",
       "paymentTolerancePercent", "expiresAt", "monitoringEndsAt", "updatedAt")
     VALUES ($1, $2, $3, 'test', $4, $5, $6, 0, $7, $8, now())`,
    [
      id,
      input.storeId,
      input.orderId ?? null,
      input.price ?? '100',
      input.currency ?? 'EUR',
      input.userId ?? null,
      new Date(now + 3_600_000),
      input.monitoringEndsAt ?? new Date(now + 86_400_000),
    ],
  );
  for (const m of input.methods) {
    await sql.query(
      `INSERT INTO "PaymentMethod" (id, "invoiceId", asset, chain, "addressId", address, "amountDue", rate,
         "rateSource", "paymentUri")
       VALUES ($1, $2, $3, 'bitcoin', $4, $5, $6, $7, 'fixed', 'bitcoin:test')`,
      [randomUUID(), id, m.asset, randomUUID(), `addr-${randomUUID()}`, m.amountDue.toString(), m.rate],
    );
  }
  return id;
}

/**
 * Drives payments through Kassa's real recording code (upsertPayment, refreshChainPayments and
 * so the ledger and invoice lifecycle) the way the watchers do, on a pretend chain: detections,
 * blocks, reorgs that unmine a payment, double-spends and revivals, each in one transaction.
 */
export class ChainDriver {
  tip = 1_000;
  readonly #services: Services;
  readonly #chain: string;

  constructor(services: Services, chain = 'bitcoin') {
    this.#services = services;
    this.#chain = chain;
  }

  /** A payment seen in the mempool (or in the tip block with `mined`). Returns its id. */
  async detect(input: {
    storeId: string;
    asset?: string;
    amount: bigint;
    invoiceId?: string | null;
    userId?: string | null;
    requiredConfirmations?: number;
    mined?: boolean;
    seenAt?: Date;
  }): Promise<string> {
    const id = randomUUID();
    await this.#tx(async (tx) => {
      const saved = await upsertPayment(tx, {
        id,
        storeId: input.storeId,
        chain: this.#chain,
        txid: randomUUID().replace(/-/g, '').padEnd(64, '0'),
        outputIndex: 0,
        asset: input.asset ?? 'BTC',
        address: `addr-${id}`,
        amount: input.amount,
        invoiceId: input.invoiceId ?? null,
        userId: input.userId ?? null,
        requiredConfirmations: input.requiredConfirmations ?? 1,
        signalsRbf: false,
        spends: [],
        seenAt: input.seenAt ?? this.#services.now(),
        blockHash: input.mined ? `block-${this.tip}` : null,
        blockHeight: input.mined ? this.tip : null,
      });
      return [{ ...saved, previousStatus: null, confirmations: 0 }];
    });
    return id;
  }

  /**
   * A new block holding these payments; confirmations of everything are recounted. A REVERSED
   * payment mined after all comes back as PENDING (as upsertPayment does) and is reported as
   * changed: see the note on revivals in docs/ledger.md.
   */
  async mine(paymentIds: readonly string[] = []): Promise<void> {
    this.tip += 1;
    await this.#tx(
      (tx) => tx.$queryRaw<ChangedPayment[]>`
        WITH old AS (SELECT id, status FROM "Payment" WHERE id = ANY(${[...paymentIds]}::uuid[]) FOR UPDATE)
        UPDATE "Payment" p SET "blockHeight" = ${this.tip}, "blockHash" = ${`block-${this.tip}`},
          status = CASE WHEN p.status = 'REVERSED' THEN 'PENDING'::"PaymentStatus" ELSE p.status END
        FROM old WHERE p.id = old.id
        RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`,
    );
  }

  /** The block holding the payment is reorged away: back to the mempool (as rollbackChain does). */
  async reorg(paymentId: string): Promise<void> {
    await this.#tx(
      (tx) => tx.$queryRaw<ChangedPayment[]>`
        WITH old AS (SELECT id, status FROM "Payment" WHERE id = ${paymentId}::uuid FOR UPDATE)
        UPDATE "Payment" p SET "blockHash" = NULL, "blockHeight" = NULL, confirmations = 0,
          status = CASE WHEN p.status = 'REVERSED' THEN p.status ELSE 'PENDING'::"PaymentStatus" END
        FROM old WHERE p.id = old.id
        RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`,
    );
  }

  /** A conflicting transaction wins (as recordBlock does for a block's conflicts). */
  async doubleSpend(paymentId: string): Promise<void> {
    await this.#tx(
      (tx) => tx.$queryRaw<ChangedPayment[]>`
        WITH old AS (SELECT id, status FROM "Payment" WHERE id = ${paymentId}::uuid FOR UPDATE)
        UPDATE "Payment" p SET status = 'REVERSED', "blockHash" = NULL, "blockHeight" = NULL
        FROM old WHERE p.id = old.id AND p.status <> 'REVERSED'
        RETURNING p.id, p."invoiceId", p."userId", p."storeId", p.status, old.status AS "previousStatus", p.confirmations`,
    );
  }

  async #tx(change: (tx: Tx) => Promise<ChangedPayment[]>) {
    await this.#services.db.prisma.$transaction(async (tx) => {
      const touched = await change(tx);
      await refreshChainPayments(this.#services, tx, this.#chain, this.tip, touched);
    });
    this.#services.bus.notifyCommitted();
  }
}
