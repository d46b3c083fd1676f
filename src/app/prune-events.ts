import type { PrismaClient } from '../db/client.ts';

/** Subscribers only need recent events (live fan-out); older rows are deleted in batches. */
export async function pruneEvents(prisma: PrismaClient, now: Date, retentionHours = 24): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionHours * 3_600_000);
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM "Event" WHERE id IN (SELECT id FROM "Event" WHERE "createdAt" < ${cutoff} LIMIT 10000)`;
    deleted += n;
    if (n < 10_000) return deleted;
  }
}
