import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.ts';
import { validateApiKeyInput } from '../domain/api-key-input.ts';
import { issueSecret } from '../domain/secret-token.ts';

/** Issues a new key for a store; only its hash is stored, the secret is returned once. */
export async function createApiKey(
  prisma: PrismaClient,
  storeId: string,
  input: { label: string; scopes: readonly string[] },
) {
  const { label, scopes } = validateApiKeyInput(input);
  const issued = issueSecret('sk');
  const apiKey = await prisma.apiKey.create({
    data: { id: randomUUID(), storeId, label, scopes, prefix: issued.prefix, secretHash: issued.hash },
  });
  return { apiKey, secret: issued.secret };
}
