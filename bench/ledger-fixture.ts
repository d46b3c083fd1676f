import pg from 'pg';
import { createApiKey } from '../src/app/create-api-key.ts';
import { createStore } from '../src/app/create-store.ts';
import { createUser } from '../src/app/create-user.ts';
import { createUserToken } from '../src/app/create-user-token.ts';
import { connectDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { type BenchDatabase, chooseDatabase } from './support/database.ts';
import type { BenchContext } from './types.ts';

/**
 * The child server's settings: the api role (no chain watchers or dev chain competing for the
 * two cores), and the test chains only for asset decimals and rates.
 */
export const SERVER_ENV = {
  KASSA_ROLE: 'api',
  KASSA_CHAINS_CONFIG: new URL('../test/fixtures/chains.test.json', import.meta.url).pathname,
  LOG_LEVEL: 'warn',
};

/** What the ledger benchmarks share: a migrated database with a store, a user and their keys. */
export interface LedgerBenchWorld {
  db: BenchDatabase;
  url: string;
  storeId: string;
  userId: string;
  /** A user token of that user (reads its own balances). */
  userToken: string;
  /** A store key with ledger:read (reports). */
  ledgerKey: string;
  release(): Promise<void>;
}

export async function prepareLedgerWorld(ctx: BenchContext): Promise<LedgerBenchWorld> {
  const db = await chooseDatabase(ctx.log);
  if (!db.url)
    throw new Error(
      'the ledger benchmarks need a Postgres server they can reach (their baselines use raw pg)',
    );
  const url = db.url;
  await applyMigrations(url);
  const database = connectDatabase(url, 2);
  try {
    const { store } = await createStore(database.prisma, { name: 'ledger bench' });
    const user = await createUser(database.prisma, store.id, { externalId: 'bench-investor' });
    const { token } = await createUserToken(database.prisma, store.id, user.id, 86_400, new Date());
    const key = await createApiKey(database.prisma, store.id, { label: 'books', scopes: ['ledger:read'] });
    return {
      db,
      url,
      storeId: store.id,
      userId: user.id,
      userToken: token,
      ledgerKey: key.secret,
      release: () => db.release(),
    };
  } finally {
    await database.close();
  }
}

/** Payments per INSERT statement while filling: keeps each statement's transition table modest. */
const FILL_BATCH = 20_000;

/**
 * Fills the journal the way deposits do, with plain SQL through the journal's own triggers
 * (balances are kept by them, entries checked by them): per payment a DEPOSIT_DETECTED entry
 * (2 lines) and a DEPOSIT_CONFIRMED entry (4 lines), so `lines` lines need lines/6 payments and
 * half of the lines post to the user's own account. Returns the payments' total amount.
 */
export async function fillJournal(
  ctx: BenchContext,
  world: LedgerBenchWorld,
  lines: number,
): Promise<{ payments: number; total: bigint }> {
  const pool = new pg.Pool({ connectionString: world.url, max: 1 });
  const payments = Math.ceil(lines / 6);
  const started = Date.now();
  try {
    const { rows } = await pool.query<{ wallet: string; user: string }>(
      `WITH accounts AS (
         INSERT INTO "LedgerAccount" (id, key, "storeId", code, asset, "userId")
         VALUES (gen_random_uuid(), $1 || ':WALLET:BTC:-', $1::uuid, 'WALLET', 'BTC', NULL),
                (gen_random_uuid(), $1 || ':USER_BALANCE:BTC:' || $2, $1::uuid, 'USER_BALANCE', 'BTC', $2::uuid)
         RETURNING id, code)
       SELECT (SELECT id FROM accounts WHERE code = 'WALLET') AS wallet,
              (SELECT id FROM accounts WHERE code = 'USER_BALANCE') AS user`,
      [world.storeId, world.userId],
    );
    const { wallet, user } = rows[0];
    for (let from = 1; from <= payments; from += FILL_BATCH) {
      const to = Math.min(payments, from + FILL_BATCH - 1);
      await pool.query('BEGIN');
      await pool.query(
        `INSERT INTO "Payment" (id, "storeId", chain, txid, "outputIndex", asset, address, amount, "userId", status,
           confirmations, "requiredConfirmations", "seenAt", "confirmedAt", "updatedAt")
         SELECT gen_random_uuid(), $1, 'bitcoin', md5(g::text) || md5((-g)::text), 0, 'BTC', 'bc1qbench', 10000 + g % 9000,
           $2, 'CONFIRMED', 1, 1, now(), now(), now()
         FROM generate_series($3::int, $4::int) g`,
        [world.storeId, world.userId, from, to],
      );
      await pool.query(
        `INSERT INTO "JournalEntry" ("storeId", "idempotencyKey", kind, status, asset, "paymentId", seq, "userId",
           description, amount, "fiatCurrency", rate, "rateSource", "fiatValue", "createdAt")
         SELECT $1, 'payment:' || p.id || ':' || s.seq,
           (CASE s.seq WHEN 1 THEN 'DEPOSIT_DETECTED' ELSE 'DEPOSIT_CONFIRMED' END)::"JournalEntryKind",
           (CASE s.seq WHEN 1 THEN 'PENDING' ELSE 'CONFIRMED' END)::"PaymentStatus",
           'BTC', p.id, s.seq, $2, 'Deposit: bench payment ' || p.txid, p.amount, 'EUR', 60000, 'fixed',
           round(p.amount * 60000 / 100000000, 8), p."seenAt"
         FROM "Payment" p CROSS JOIN (VALUES (1), (2)) s(seq)
         WHERE p."storeId" = $1 AND p."updatedAt" = now()::timestamptz(3)
         ORDER BY p.id, s.seq`,
        [world.storeId, world.userId],
      );
      await pool.query(
        `INSERT INTO "JournalLine" ("entryId", "accountId", part, amount, "fiatValue", "createdAt")
         SELECT e.id, v.account, v.part::"LedgerPart", v.sign * e.amount, v.sign * e."fiatValue", e."createdAt"
         FROM "JournalEntry" e
         JOIN "Payment" p ON p.id = e."paymentId" AND p."updatedAt" = now()::timestamptz(3)
         CROSS JOIN LATERAL (VALUES
           (1, $1::uuid, 'PENDING', 1), (1, $2::uuid, 'PENDING', -1),
           (2, $1::uuid, 'PENDING', -1), (2, $1::uuid, 'CONFIRMED', 1),
           (2, $2::uuid, 'PENDING', 1), (2, $2::uuid, 'CONFIRMED', -1)) v(seq, account, part, sign)
         WHERE v.seq = e.seq
         ORDER BY e.id`,
        [wallet, user],
      );
      await pool.query('COMMIT');
      ctx.log(`journal: ${to * 6} / ${payments * 6} lines (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    await pool.query(
      'ANALYZE "JournalEntry"; ANALYZE "JournalLine"; ANALYZE "LedgerAccount"; ANALYZE "Payment"',
    );
    const total = await pool.query<{ total: string }>(
      `SELECT sum(amount)::text AS total FROM "Payment" WHERE "storeId" = $1`,
      [world.storeId],
    );
    return { payments, total: BigInt(total.rows[0].total) };
  } catch (error) {
    await pool.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await pool.end();
  }
}
