import type { PrismaClient } from '../db/client.ts';

/** A delivery with what one attempt needs: the event's body and the endpoint's state and secrets. */
export interface LoadedDelivery {
  id: string;
  endpointId: string | null;
  url: string | null;
  status: string;
  attemptCount: number;
  redeliveryOfId: string | null;
  createdAt: Date;
  eventId: string;
  eventType: string;
  body: string;
  endpointUrl: string | null;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  disabledAt: Date | null;
  deletedAt: Date | null;
}

/** One query per attempt (this runs for every delivery, so it is one round trip, not three). */
export async function loadWebhookDelivery(
  prisma: PrismaClient,
  id: string,
): Promise<LoadedDelivery | undefined> {
  const [row] = await prisma.$queryRaw<LoadedDelivery[]>`
    SELECT d.id::text AS id, d."endpointId"::text AS "endpointId", d.url, d.status::text AS status,
           d."attemptCount", d."redeliveryOfId"::text AS "redeliveryOfId", d."createdAt",
           e.id::text AS "eventId", e.type AS "eventType", e.body,
           p.url AS "endpointUrl", p.secret, p."previousSecret", p."previousSecretExpiresAt",
           p."disabledAt", p."deletedAt"
    FROM "WebhookDelivery" d
    JOIN "WebhookEvent" e ON e.id = d."eventId"
    LEFT JOIN "WebhookEndpoint" p ON p.id = d."endpointId"
    WHERE d.id = ${id}::uuid`;
  return row;
}
