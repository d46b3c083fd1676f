import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { classifyAnswer } from '../webhooks/classify-answer.ts';
import { deliveryGroup } from '../webhooks/delivery-group.ts';
import type { WebhookAnswer } from '../webhooks/post-webhook.ts';
import { nextAttemptAt } from '../webhooks/retry-schedule.ts';
import type { Services } from './services.ts';

interface DeliveryRef {
  id: string;
  endpointId: string | null;
  url: string | null;
  createdAt: Date;
}

interface AttemptFacts {
  number: number;
  url: string;
  startedAt: Date;
  answer: WebhookAnswer;
  /** False when nothing was sent because of the endpoint's own state (deleted, disabled). */
  judgesEndpoint: boolean;
}

/**
 * Records one attempt and what follows from it, in one transaction: the attempt row, the
 * delivery's new state, the endpoint's health, and the next attempt's job (retries run on
 * Kassa's clock, from the delivery's creation, for `retryForMs`). The delivery row is moved
 * with a compare-and-set on its attempt count, so a duplicate job cannot record twice.
 */
export async function recordWebhookAttempt(
  services: Services,
  delivery: DeliveryRef,
  attempt: AttemptFacts,
): Promise<void> {
  const now = services.now();
  const { answer } = attempt;
  const verdict = answer.refused ? 'final' : classifyAnswer(answer.status);
  const next =
    verdict === 'retry'
      ? nextAttemptAt(attempt.number, now, delivery.createdAt, services.config.webhooks.retryForMs)
      : undefined;
  if (verdict === 'success') return recordSuccess(services, delivery, attempt, now);
  const outcome = next ? 'RETRYING' : 'FAILED';
  await services.db.prisma.$transaction(async (tx) => {
    const moved = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'PENDING', attemptCount: attempt.number - 1 },
      data: {
        attemptCount: attempt.number,
        lastAttemptAt: attempt.startedAt,
        status: outcome === 'FAILED' ? 'FAILED' : 'PENDING',
        nextAttemptAt: next ?? null,
      },
    });
    if (moved.count === 0) return;
    await tx.webhookAttempt.create({
      data: {
        id: randomUUID(),
        deliveryId: delivery.id,
        number: attempt.number,
        url: attempt.url,
        startedAt: attempt.startedAt,
        durationMs: answer.durationMs,
        responseStatus: answer.status ?? null,
        responseExcerpt: answer.excerpt ?? null,
        error: answer.error ?? null,
        outcome,
      },
    });
    if (delivery.endpointId && attempt.judgesEndpoint)
      await recordEndpointFailure(services, tx, delivery.endpointId, attempt.startedAt, answer);
    if (next) {
      await services.jobs.send(
        'webhook.deliver',
        { deliveryId: delivery.id, attempt: attempt.number + 1 },
        { tx, startAfter: next, group: deliveryGroup(delivery.endpointId, delivery.url) },
      );
    }
  });
}

/**
 * The common case in one statement (one round trip, atomic): the delivery is DELIVERED, the
 * attempt logged, and the endpoint's failure streak, if any, cleared.
 */
async function recordSuccess(services: Services, delivery: DeliveryRef, attempt: AttemptFacts, now: Date) {
  const { answer } = attempt;
  const clearStreak = delivery.endpointId !== null && attempt.judgesEndpoint;
  await services.db.prisma.$queryRaw`
    WITH moved AS (
      UPDATE "WebhookDelivery"
      SET "attemptCount" = ${attempt.number}, "lastAttemptAt" = ${attempt.startedAt}::timestamptz,
          status = 'DELIVERED', "nextAttemptAt" = NULL, "deliveredAt" = ${now}::timestamptz
      WHERE id = ${delivery.id}::uuid AND status = 'PENDING' AND "attemptCount" = ${attempt.number - 1}
      RETURNING id),
    logged AS (
      INSERT INTO "WebhookAttempt"
        (id, "deliveryId", number, url, "startedAt", "durationMs", "responseStatus", "responseExcerpt", error, outcome)
      SELECT ${randomUUID()}::uuid, id, ${attempt.number}, ${attempt.url}, ${attempt.startedAt}::timestamptz,
             ${answer.durationMs}, ${answer.status ?? null}::int, ${answer.excerpt ?? null}::text,
             ${answer.error ?? null}::text, 'SUCCEEDED'::"WebhookAttemptOutcome"
      FROM moved),
    healthy AS (
      UPDATE "WebhookEndpoint" SET "failingSince" = NULL
      WHERE ${clearStreak} AND id = ${delivery.endpointId}::uuid AND "failingSince" IS NOT NULL
        AND EXISTS (SELECT 1 FROM moved))
    SELECT count(*)::int AS n FROM moved`;
}

/**
 * An endpoint that has not answered one attempt successfully for `disableAfterMs` is disabled,
 * with the reason on the endpoint; one success clears the failure streak.
 */
async function recordEndpointFailure(
  services: Services,
  tx: Tx,
  endpointId: string,
  at: Date,
  answer: WebhookAnswer,
): Promise<void> {
  const [row] = await tx.$queryRaw<Array<{ failingSince: Date; disabledAt: Date | null }>>`
    UPDATE "WebhookEndpoint" SET "failingSince" = COALESCE("failingSince", ${at}::timestamptz)
    WHERE id = ${endpointId}::uuid
    RETURNING "failingSince", "disabledAt"`;
  if (!row || row.disabledAt) return;
  const now = services.now();
  if (now.getTime() - row.failingSince.getTime() < services.config.webhooks.disableAfterMs) return;
  const last = answer.status !== undefined ? `HTTP ${answer.status}` : (answer.error ?? 'no answer');
  await tx.webhookEndpoint.update({
    where: { id: endpointId },
    data: {
      disabledAt: now,
      disabledReason: `disabled automatically: no successful delivery since ${row.failingSince.toISOString()} (last attempt: ${last})`,
    },
  });
}
