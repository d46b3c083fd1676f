import { Prisma, type PrismaClient } from '../db/client.ts';
import { KassaError, NotFoundError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { type UserInput, validateUserInput } from '../domain/user-input.ts';

/** Changes a user of the caller's store; another store's user is NOT_FOUND. */
export async function updateUser(prisma: PrismaClient, storeId: string, userId: string, input: UserInput) {
  const fields = validateUserInput(input, false);
  if (!isUuid(userId)) throw new NotFoundError('user', userId);
  const existing = await prisma.user.findFirst({ where: { id: userId, storeId }, select: { id: true } });
  if (!existing) throw new NotFoundError('user', userId);
  try {
    return await prisma.user.update({
      where: { id: userId },
      data: {
        externalId: fields.externalId,
        email: fields.email,
        metadata:
          fields.metadata === undefined
            ? undefined
            : fields.metadata === null
              ? Prisma.DbNull
              : (fields.metadata as Prisma.InputJsonValue),
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
