import { ValidationError } from './errors.ts';

export interface UserInput {
  externalId?: string | null;
  email?: string | null;
  metadata?: unknown;
}

const EXTERNAL_ID = /^[\x21-\x7e]{1,128}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
/** Metadata is the merchant's; we keep it small so a user row stays cheap to read. */
export const MAX_METADATA_BYTES = 8192;

export function validateMetadata(metadata: unknown, field = 'metadata'): unknown {
  if (metadata === undefined || metadata === null) return metadata;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw new ValidationError(field, 'must be a JSON object');
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES)
    throw new ValidationError(field, `must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
  return metadata;
}

/** Validates user fields; `requireExternalId` for creation. */
export function validateUserInput(input: UserInput, requireExternalId: boolean) {
  const out: { externalId?: string; email?: string | null; metadata?: unknown } = {};
  if (input.externalId != null || requireExternalId) {
    if (typeof input.externalId !== 'string' || !EXTERNAL_ID.test(input.externalId))
      throw new ValidationError('externalId', 'must be 1 to 128 printable characters without spaces');
    out.externalId = input.externalId;
  }
  if (input.email !== undefined) {
    if (input.email !== null && !EMAIL.test(input.email))
      throw new ValidationError('email', 'is not an email address');
    out.email = input.email;
  }
  if (input.metadata !== undefined) out.metadata = validateMetadata(input.metadata);
  return out;
}

/** User tokens live between one minute and thirty days. */
export function validateTtlSeconds(ttlSeconds: number): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 30 * 86_400)
    throw new ValidationError('ttlSeconds', 'must be a whole number of seconds from 60 to 2592000 (30 days)');
  return ttlSeconds;
}
