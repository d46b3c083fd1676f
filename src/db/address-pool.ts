import { randomUUID } from 'node:crypto';
import type { DerivedAddress } from '../domain/derived-address.ts';
import type { Tx } from './client.ts';

export interface AllocatedAddress {
  id: string;
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
 * Takes the lowest FREE address of a wallet for an invoice. SKIP LOCKED lets concurrent
 * creates each take a different row without waiting on one another; the row lock plus the
 * state change make it impossible for two open invoices to get the same address. Lowest index
 * first keeps handed-out addresses dense, which is what wallets' gap limits expect.
 */
export async function allocateInvoiceAddress(
  tx: Tx,
  walletId: string,
  invoiceId: string,
  now: Date,
): Promise<AllocatedAddress | undefined> {
  const rows = await tx.$queryRaw<AllocatedAddress[]>`
    UPDATE "Address" SET state = 'INVOICE', "invoiceId" = ${invoiceId}, "allocatedAt" = ${now}
    WHERE id = (
      SELECT id FROM "Address" WHERE "walletId" = ${walletId}::uuid AND state = 'FREE'
      ORDER BY "derivationIndex" LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, address, "derivationIndex",
      (SELECT "nextIndex" FROM "Wallet" WHERE id = ${walletId}::uuid) AS "walletNextIndex"`;
  return rows[0];
}

/** Reserves the next derivation index of a wallet (for the pool-empty fallback and refills). */
export async function reserveIndexes(tx: Tx, walletId: string, count: number): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ start: number }>>`
    UPDATE "Wallet" SET "nextIndex" = "nextIndex" + ${count} WHERE id = ${walletId}::uuid
    RETURNING "nextIndex" - ${count} AS start`;
  return rows[0].start;
}

export async function countFreeAddresses(tx: Tx, walletId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Address" WHERE "walletId" = ${walletId}::uuid AND state = 'FREE'`;
  return rows[0].n;
}
