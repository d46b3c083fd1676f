import { randomUUID } from 'node:crypto';
import type { DerivedAddress } from '../domain/derived-address.ts';
import type { PrismaClient, Tx } from './client.ts';

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
