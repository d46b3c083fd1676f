import { ForbiddenError, UnauthenticatedError } from '../domain/errors.ts';
import { grants, type Scope } from '../domain/scopes.ts';
import type { Context } from './context.ts';

/** The caller's store for store-key-only fields. */
export function keyStoreId(ctx: Context): string {
  if (ctx.auth.kind !== 'apiKey') throw new UnauthenticatedError();
  return ctx.auth.storeId;
}

/** The caller's store for fields open to store keys and user tokens. */
export function callerStoreId(ctx: Context): string {
  if (ctx.auth.kind === 'anonymous') throw new UnauthenticatedError();
  return ctx.auth.storeId;
}

/**
 * May the caller read data of `userId`? A store key with `scope` may read any user of its
 * store (the store filter is applied by the query); a user token only its own user.
 */
export function assertMayReadUser(ctx: Context, userId: string, scope: Scope): void {
  const { auth } = ctx;
  if (auth.kind === 'apiKey' && grants(auth.scopes, scope)) return;
  if (auth.kind === 'user' && auth.userId === userId) return;
  if (auth.kind === 'anonymous') throw new UnauthenticatedError();
  throw new ForbiddenError('these credentials may not read this user');
}
