import type { PrismaClient } from '../db/client.ts';
import type { Auth } from '../domain/auth.ts';
import { UnauthenticatedError } from '../domain/errors.ts';
import { hashSecret } from '../domain/secret-token.ts';
import type { EventBus } from '../events/event-bus.ts';
import { topics } from '../events/topics.ts';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/**
 * Turns a bearer secret into an Auth. Lookups are cached briefly because every request needs
 * one; revocation is not left to the TTL: revoke-api-key publishes an event on which every api
 * process evicts the key at once.
 */
export class Authenticator {
  readonly #prisma: PrismaClient;
  readonly #now: () => Date;
  readonly #cache = new Map<string, { auth: Auth; until: number }>();
  #revocations: AsyncIterableIterator<unknown> | undefined;

  constructor(prisma: PrismaClient, now: () => Date = () => new Date()) {
    this.#prisma = prisma;
    this.#now = now;
  }

  /** Follows revocations published by any process. */
  listen(bus: EventBus): void {
    const channel = bus.subscribe(topics.credentialsRevoked());
    this.#revocations = channel;
    (async () => {
      for await (const event of channel) {
        const hash = (event.payload as { secretHash?: string }).secretHash;
        if (hash) this.#cache.delete(hash);
      }
    })();
  }

  stop(): void {
    this.#revocations?.return?.();
    this.#cache.clear();
  }

  /** Evicts a secret in this process (the revoking process does not wait for its own event). */
  forget(secretHash: string): void {
    this.#cache.delete(secretHash);
  }

  /** `Authorization` header value (or graphql-ws `connectionParams.authorization`) → Auth. */
  async authenticate(authorization: string | null | undefined): Promise<Auth> {
    if (!authorization) return { kind: 'anonymous' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <key>"');
    const hash = hashSecret(match[1]);
    const now = this.#now();
    const cached = this.#cache.get(hash);
    if (cached && cached.until > now.getTime()) return this.#checkExpiry(cached.auth, now);

    const auth = await this.#lookup(hash, match[1]);
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, { auth, until: now.getTime() + CACHE_TTL_MS });
    return this.#checkExpiry(auth, now);
  }

  async #lookup(hash: string, secret: string): Promise<Auth> {
    if (secret.startsWith('kassa_ut_')) {
      const token = await this.#prisma.userToken.findUnique({
        where: { secretHash: hash },
        select: { id: true, storeId: true, userId: true, expiresAt: true },
      });
      if (!token) throw new UnauthenticatedError('unknown user token');
      return {
        kind: 'user',
        storeId: token.storeId,
        userId: token.userId,
        tokenId: token.id,
        expiresAt: token.expiresAt,
      };
    }
    const key = await this.#prisma.apiKey.findUnique({
      where: { secretHash: hash },
      select: { id: true, storeId: true, scopes: true, revokedAt: true },
    });
    if (!key || key.revokedAt) throw new UnauthenticatedError('unknown or revoked API key');
    return { kind: 'apiKey', storeId: key.storeId, keyId: key.id, scopes: key.scopes };
  }

  #checkExpiry(auth: Auth, now: Date): Auth {
    if (auth.kind === 'user' && auth.expiresAt <= now) throw new UnauthenticatedError('user token expired');
    return auth;
  }
}
