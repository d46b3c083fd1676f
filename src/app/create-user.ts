import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from '../db/client.ts';
import { KassaError } from '../domain/errors.ts';
import { type UserInput, validateUserInput } from '../domain/user-input.ts';

/** Registers a store's end user under the merchant's own id; the id is unique per store. */
export async function createUser(prisma: PrismaClient, storeId: string, input: UserInput) {
  const fields = validateUserInput(input, true);
  try {
    return await prisma.user.create({
      data: {
        id: randomUUID(),
        storeId,
        externalId: fields.externalId!,
        email: fields.email ?? null,
        metadata: (fields.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw new KassaError('CONFLICT', `a user with externalId ${fields.externalId} exists already`, {
        details: { field: 'externalId' },
      });
    throw error;
  }
}
