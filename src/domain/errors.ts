/**
 * Expected failures, each with a stable code that reaches GraphQL clients as `extensions.code`.
 * Anything that is not a KassaError is a bug or an outage and gets masked at the edge.
 */

export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'DUPLICATE_ORDER_ID'
  | 'NO_WALLET'
  | 'RATE_UNAVAILABLE'
  | 'UNKNOWN_ASSET'
  | 'INVALID_XPUB'
  | 'INVALID_ADDRESS';

export class KassaError extends Error {
  override name = 'KassaError';
  readonly code: ErrorCode;
  /** A one-line message safe to show to the API caller. */
  readonly shortMessage: string;
  /** Structured facts for the caller (the field at fault, limits), never secrets. */
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    shortMessage: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(shortMessage, { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
  }
}

/** Input that can never succeed as sent: fix the request. */
export class ValidationError extends KassaError {
  override name = 'ValidationError';
  constructor(field: string, problem: string, details: Record<string, unknown> = {}) {
    super('VALIDATION', `${field}: ${problem}`, { details: { field, ...details } });
  }
}

export class NotFoundError extends KassaError {
  override name = 'NotFoundError';
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} was not found`, { details: { what, id } });
  }
}

/** Credentials were recognised but do not allow this. */
export class ForbiddenError extends KassaError {
  override name = 'ForbiddenError';
  constructor(shortMessage = 'not allowed with these credentials', details: Record<string, unknown> = {}) {
    super('FORBIDDEN', shortMessage, { details });
  }
}

/** No credentials, or credentials that are unknown, revoked or expired. */
export class UnauthenticatedError extends KassaError {
  override name = 'UnauthenticatedError';
  constructor(shortMessage = 'missing or invalid credentials') {
    super('UNAUTHENTICATED', shortMessage);
  }
}

export class RateLimitedError extends KassaError {
  override name = 'RateLimitedError';
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
  }
}
