import { randomUUID } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';
import { validateDescription, validateEvents } from '../webhooks/endpoint-input.ts';
import { issueEndpointSecret } from '../webhooks/endpoint-secret.ts';
import { checkWebhookUrl } from './check-webhook-url.ts';
import type { Services } from './services.ts';

/** Enough for every real integration; a bound on the work one event causes. */
export const MAX_ENDPOINTS_PER_STORE = 20;

export interface CreateWebhookEndpointInput {
  url: string;
  events: readonly string[];
  description?: string | null;
}

/** Registers a webhook endpoint; returns it with its signing secret, which is shown only here. */
export async function createWebhookEndpoint(
  services: Services,
  storeId: string,
  input: CreateWebhookEndpointInput,
) {
  const events = validateEvents(input.events);
  const description = validateDescription(input.description);
  const url = await checkWebhookUrl(services.config, input.url);
  const { prisma } = services.db;
  const count = await prisma.webhookEndpoint.count({ where: { storeId, deletedAt: null } });
  if (count >= MAX_ENDPOINTS_PER_STORE)
    throw new ValidationError('url', `a store may have at most ${MAX_ENDPOINTS_PER_STORE} webhook endpoints`);
  const secret = issueEndpointSecret();
  const now = services.now();
  const endpoint = await prisma.webhookEndpoint.create({
    data: { id: randomUUID(), storeId, url, description, events, secret, createdAt: now, updatedAt: now },
  });
  return { endpoint, secret };
}
