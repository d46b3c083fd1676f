import { randomUUID } from 'node:crypto';
import type { DerivedAddress } from '../domain/derived-address.ts';
import type { PrismaClient, Tx } from './client.ts';
import { runSql, type SqlTx } from './sql-tx.ts';

export interface AllocatedAddress {
  id: string;
  walletId: string;
  address: string;
  derivationIndex: number;
  /** The wallet's next index to derive: how far the pool reaches above this address. */
  walletNextIndex: number;
}

/** Stores freshly derived addresses as FREE pool entries (already-present indexes are skipped). */
export async function insertFreeAddresses(
  tx: Tx,
  wallet: { id: string; storeId: string; chain: string },
  addresses: DerivedAddress[],
): Promise<void> {
  if (addresses.length === 0) return;
  const values: unknown[] = [];
  const rows = addresses.map((a, i) => {
    values.push(randomUUID(), wallet.id, wallet.storeId, wallet.chain, a.index, a.address, a.script);
    const p = i * 7;
    return `($${p + 1}::uuid, $${p + 2}::uuid, $${p + 3}::uuid, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}::bytea)`;
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO "Address" (id, "walletId", "storeId", chain, "derivationIndex", address, script)
     VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
    ...values,
  );
}

/**
 * Takes the lowest FREE address of each wallet for an invoice, in one statement. SKIP LOCKED
 * lets concurrent creates each take a different row without waiting on one another; the row
 * lock plus the state change make it impossible for two open invoices to get the same address.
 * Lowest index first keeps handed-out addresses dense, which is what wallets' gap limits
 * expect. A wallet whose pool is empty (or entirely locked by other creates) is missing from
 * the result.
 */
export async function allocateInvoiceAddresses(
  tx: SqlTx,
  walletIds: readonly string[],
  invoiceId: string,
  now: Date,
): Promise<AllocatedAddress[]> {
  return runSql<AllocatedAddress>(
    tx,
    `UPDATE "Address" a SET state = 'INVOICE', "invoiceId" = $2, "allocatedAt" = $3::timestamptz
     FROM (SELECT free.id, w."nextIndex"
           FROM "Wallet" w
           CROSS JOIN LATERAL (
             SELECT f.id FROM "Address" f
             WHERE f."walletId" = w.id AND f.state = 'FREE'
             ORDER BY f."derivationIndex" LIMIT 1 FOR UPDATE SKIP LOCKED) AS free
           WHERE w.id = ANY($1::uuid[])) AS pick
     WHERE a.id = pick.id
     RETURNING a.id::text AS id, a."walletId"::text AS "walletId", a.address, a."derivationIndex",
               pick."nextIndex" AS "walletNextIndex"`,
    [walletIds, invoiceId, now],
    { prepare: true },
  );
}

/** Reserves the next derivation indexes of a wallet (refills and deposit addresses). */
export async function reserveIndexes(tx: Tx, walletId: string, count: number): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ start: number }>>`
    UPDATE "Wallet" SET "nextIndex" = "nextIndex" + ${count} WHERE id = ${walletId}::uuid
    RETURNING "nextIndex" - ${count} AS start`;
  return rows[0].start;
}

export async function countFreeAddresses(tx: Tx | PrismaClient, walletId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Address" WHERE "walletId" = ${walletId}::uuid AND state = 'FREE'`;
  return rows[0].n;
}
