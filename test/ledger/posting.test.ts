import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markInvoice } from '../../src/app/mark-invoice.ts';
import { postPaymentChanges } from '../../src/ledger/post-payment-changes.ts';
import { checkLedger, entryCount } from './invariants.ts';
import {
  ChainDriver,
  insertInvoice,
  type LedgerStore,
  type LedgerWorld,
  seedLedgerStore,
  seedUser,
  startLedgerWorld,
} from './support.ts';

let world: LedgerWorld;
let chain: ChainDriver;
let store: LedgerStore;

beforeAll(async () => {
  world = await startLedgerWorld();
  chain = new ChainDriver(world.services);
  store = await seedLedgerStore(world.services);
});

afterAll(async () => {
  await world?.stop();
});

/** Balances of one account as { pending, confirmed }, positive on its normal side. */
async function balance(code: string, opts: { userId?: string; asset?: string; storeId?: string } = {}) {
  const { rows } = await world.sql.query<{ pending: string; confirmed: string }>(
    `SELECT COALESCE(sum(b.pending), 0)::text AS pending, COALESCE(sum(b.confirmed), 0)::text AS confirmed
     FROM "LedgerAccount" a JOIN "LedgerBalanceSlot" b ON b."accountId" = a.id
     WHERE a."storeId" = $1 AND a.code = $2::"LedgerAccountCode" AND a.asset = $3
       AND a."userId" IS NOT DISTINCT FROM $4::uuid`,
    [opts.storeId ?? store.id, code, opts.asset ?? 'BTC', opts.userId ?? null],
  );
  const sign = code === 'WALLET' ? 1n : -1n;
  return rows[0]
    ? { pending: sign * BigInt(rows[0].pending), confirmed: sign * BigInt(rows[0].confirmed) }
    : { pending: 0n, confirmed: 0n };
}

async function entriesOf(paymentId: string) {
  const { rows } = await world.sql.query<{
    kind: string;
    status: string;
    rate: string | null;
    fiatValue: string | null;
  }>(
    `SELECT kind::text, status::text, rate::text, "fiatValue"::text FROM "JournalEntry" WHERE "paymentId" = $1 ORDER BY seq`,
    [paymentId],
  );
  return rows;
}

describe('a user deposit through detection, confirmation, reorg and double-spend', () => {
  it('moves between pending and confirmed, journaled at every step, and ends at zero', async () => {
    const user = await seedUser(world.services, store.id, 'investor-1');
    const id = await chain.detect({ storeId: store.id, userId: user.id, amount: 150_000n });
    expect(await balance('USER_BALANCE', { userId: user.id })).toEqual({ pending: 150_000n, confirmed: 0n });

    await chain.mine([id]);
    expect(await balance('USER_BALANCE', { userId: user.id })).toEqual({ pending: 0n, confirmed: 150_000n });

    await chain.reorg(id);
    expect(await balance('USER_BALANCE', { userId: user.id })).toEqual({ pending: 150_000n, confirmed: 0n });

    await chain.mine([id]);
    await chain.doubleSpend(id);
    expect(await balance('USER_BALANCE', { userId: user.id })).toEqual({ pending: 0n, confirmed: 0n });

    expect((await entriesOf(id)).map((e) => `${e.kind}/${e.status}`)).toEqual([
      'DEPOSIT_DETECTED/PENDING',
      'DEPOSIT_CONFIRMED/CONFIRMED',
      'DEPOSIT_UNCONFIRMED/PENDING',
      'DEPOSIT_CONFIRMED/CONFIRMED',
      'DEPOSIT_REVERSED/REVERSED',
    ]);
    // Valued at the rate of its first entry (the fixture's 60000 EUR/BTC) all along.
    expect(new Set((await entriesOf(id)).map((e) => `${e.rate}:${e.fiatValue}`))).toEqual(
      new Set(['60000.000000000000000000:90.00000000']),
    );
    await checkLedger(world.sql);
  });

  it('publishes a ledgerBalanceUpdated hint for the user in the same transaction', async () => {
    const user = await seedUser(world.services, store.id, 'investor-2');
    await chain.detect({ storeId: store.id, userId: user.id, amount: 1n });
    const { rows } = await world.sql.query(`SELECT payload FROM "Event" WHERE topic = $1`, [
      `user-balance:${user.id}`,
    ]);
    expect(rows.map((r) => r.payload)).toEqual([
      { type: 'ledger.balance_updated', userId: user.id, asset: 'BTC' },
    ]);
  });
});

describe('invoice payments', () => {
  it('are held as receipts, become SALES when the invoice settles, and overpayments go to OVERPAYMENTS', async () => {
    const s = await seedLedgerStore(world.services, 'Shop');
    const invoiceId = await insertInvoice(world.sql, {
      storeId: s.id,
      methods: [{ asset: 'BTC', amountDue: 100_000n, rate: '60000' }],
    });
    const first = await chain.detect({ storeId: s.id, invoiceId, amount: 100_000n });
    expect(await balance('INVOICE_RECEIPTS', { storeId: s.id })).toEqual({
      pending: 100_000n,
      confirmed: 0n,
    });
    await chain.mine([first]);
    // Confirmed → the invoice settles in the same transaction → receipts become sales.
    const { rows } = await world.sql.query(`SELECT status::text FROM "Invoice" WHERE id = $1`, [invoiceId]);
    expect(rows[0].status).toBe('SETTLED');
    expect(await balance('INVOICE_RECEIPTS', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 0n });
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 100_000n });
    expect((await entriesOf(first)).map((e) => e.kind)).toEqual([
      'PAYMENT_DETECTED',
      'PAYMENT_CONFIRMED',
      'INVOICE_SETTLED',
    ]);
    // The invoice's locked rate values it: 100,000 sat at 60,000 EUR = 60 EUR.
    expect((await entriesOf(first))[0]).toMatchObject({
      rate: '60000.000000000000000000',
      fiatValue: '60.00000000',
    });

    const extra = await chain.detect({ storeId: s.id, invoiceId, amount: 25_000n });
    await chain.mine([extra]);
    expect(await balance('OVERPAYMENTS', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 25_000n });
    expect(await balance('WALLET', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 125_000n });
    await checkLedger(world.sql);
  });

  it('a reorg of a settled invoice’s payment takes the revenue back until it confirms again', async () => {
    const s = await seedLedgerStore(world.services, 'Reorged shop');
    const invoiceId = await insertInvoice(world.sql, {
      storeId: s.id,
      methods: [{ asset: 'BTC', amountDue: 500n, rate: '60000' }],
    });
    const id = await chain.detect({ storeId: s.id, invoiceId, amount: 500n });
    await chain.mine([id]);
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 500n });
    await chain.reorg(id);
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 0n });
    expect(await balance('INVOICE_RECEIPTS', { storeId: s.id })).toEqual({ pending: 500n, confirmed: 0n });
    await chain.mine([id]);
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 500n });
    // Double-spent after that: the invoice turns INVALID and nothing is left but the reversal.
    await chain.doubleSpend(id);
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 0n });
    expect(await balance('WALLET', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 0n });
    await checkLedger(world.sql);
  });

  it('marking SETTLED by hand recognises the confirmed receipts; marking an unpaid invoice posts nothing', async () => {
    const s = await seedLedgerStore(world.services, 'Marked shop');
    const partial = await insertInvoice(world.sql, {
      storeId: s.id,
      methods: [{ asset: 'BTC', amountDue: 1_000n, rate: '60000' }],
    });
    const id = await chain.detect({ storeId: s.id, invoiceId: partial, amount: 400n });
    await chain.mine([id]);
    expect(await balance('INVOICE_RECEIPTS', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 400n });
    await markInvoice(world.services, s.id, partial, 'SETTLED');
    expect(await balance('SALES', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 400n });
    expect(await balance('INVOICE_RECEIPTS', { storeId: s.id })).toEqual({ pending: 0n, confirmed: 0n });

    const unpaid = await insertInvoice(world.sql, {
      storeId: s.id,
      methods: [{ asset: 'BTC', amountDue: 1_000n, rate: '60000' }],
    });
    const before = await entryCount(world.sql);
    await markInvoice(world.services, s.id, unpaid, 'SETTLED');
    expect(await entryCount(world.sql)).toBe(before);
    await checkLedger(world.sql);
  });

  it('an invoice priced in another currency is valued at the current rate in the store’s currency', async () => {
    const s = await seedLedgerStore(world.services, 'Dollar invoices');
    const invoiceId = await insertInvoice(world.sql, {
      storeId: s.id,
      currency: 'USD',
      methods: [{ asset: 'BTC', amountDue: 100_000_000n, rate: '65000' }],
    });
    const id = await chain.detect({ storeId: s.id, invoiceId, amount: 100_000_000n });
    expect((await entriesOf(id))[0]).toMatchObject({
      rate: '60000.000000000000000000',
      fiatValue: '60000.00000000',
    });
  });
});

describe('idempotency', () => {
  it('a change posted concurrently by three transactions, then again, is journaled once', async () => {
    const user = await seedUser(world.services, store.id, 'idempotent');
    const id = await chain.detect({ storeId: store.id, userId: user.id, amount: 7n });
    // The payment confirms without the ledger hearing of it (a crash between two steps, say)…
    await world.sql.query(`UPDATE "Payment" SET status = 'CONFIRMED' WHERE id = $1`, [id]);
    const change = {
      id,
      invoiceId: null,
      userId: user.id,
      storeId: store.id,
      status: 'CONFIRMED' as const,
      previousStatus: null,
    };
    const before = await entryCount(world.sql);
    const post = () =>
      world.services.db.prisma.$transaction((tx) => postPaymentChanges(world.services, tx, [change, change]));
    // …then three workers report it at once (one as if new), and one more later.
    await Promise.all([post(), post(), post()]);
    await post();
    expect(await entryCount(world.sql)).toBe(before + 1);
    expect((await entriesOf(id)).map((e) => e.kind)).toEqual(['DEPOSIT_DETECTED', 'DEPOSIT_CONFIRMED']);
    await checkLedger(world.sql);
  });
});

describe('the database keeps the journal honest', () => {
  it('refuses to edit, delete or truncate journal rows, or to set a balance by hand', async () => {
    await expect(world.sql.query(`UPDATE "JournalEntry" SET description = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(world.sql.query(`DELETE FROM "JournalLine"`)).rejects.toThrow(/append-only/);
    await expect(world.sql.query(`TRUNCATE "JournalLine", "JournalEntry"`)).rejects.toThrow(/append-only/);
    await expect(world.sql.query(`UPDATE "LedgerBalanceSlot" SET confirmed = confirmed + 1`)).rejects.toThrow(
      /only by journal lines/,
    );
    await expect(
      world.sql.query(
        `INSERT INTO "LedgerBalanceSlot" ("accountId", slot, pending, confirmed, "updatedAt")
         SELECT id, 99, 0, 1, now() FROM "LedgerAccount" LIMIT 1`,
      ),
    ).rejects.toThrow(/only by journal lines/);
    await expect(world.sql.query(`DELETE FROM "LedgerBalanceSlot"`)).rejects.toThrow(/append-only/);
    await expect(world.sql.query(`DELETE FROM "LedgerAccount"`)).rejects.toThrow(/append-only/);
  });

  it('refuses an entry whose lines do not sum to zero', async () => {
    const client = await world.sql.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM "LedgerAccount" WHERE "storeId" = $1 AND code = 'WALLET' LIMIT 1`,
        [store.id],
      );
      const entry = await client.query<{ id: string }>(
        `INSERT INTO "JournalEntry" ("storeId", "idempotencyKey", kind, status, asset, seq, description, amount, "fiatCurrency")
         VALUES ($1, 'forged', 'PAYMENT_DETECTED', 'PENDING', 'BTC', 1, 'forged', 1, 'EUR') RETURNING id`,
        [store.id],
      );
      await expect(
        client.query(
          `INSERT INTO "JournalLine" ("entryId", "accountId", part, amount) VALUES ($1, $2, 'PENDING', 1)`,
          [entry.rows[0].id, rows[0].id],
        ),
      ).rejects.toThrow(/does not sum to zero/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
