import { ValidationError } from '../domain/errors.ts';
import { ALL_EVENTS, isWebhookEventType, WEBHOOK_EVENT_TYPES } from './event-types.ts';

export const MAX_DESCRIPTION_LENGTH = 500;
/** The longest overlap a rotated-out secret may keep signing: a week. */
export const MAX_SECRET_OVERLAP_MINUTES = 7 * 24 * 60;
export const DEFAULT_SECRET_OVERLAP_MINUTES = 24 * 60;

/** Known event types (or `*`), each once, in catalogue order. */
export function validateEvents(events: readonly string[]): string[] {
  if (events.length === 0)
    throw new ValidationError('events', `name at least one event type, or ${ALL_EVENTS} for all of them`);
  const unknown = events.filter((e) => e !== ALL_EVENTS && !isWebhookEventType(e));
  if (unknown.length > 0)
    throw new ValidationError('events', `unknown event type ${unknown.join(', ')}`, {
      unknown,
      known: [...WEBHOOK_EVENT_TYPES],
    });
  if (events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t));
}

export function validateDescription(description: string | null | undefined): string | null {
  const trimmed = description?.trim() ?? '';
  if (trimmed.length > MAX_DESCRIPTION_LENGTH)
    throw new ValidationError('description', `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  return trimmed === '' ? null : trimmed;
}

export function validateOverlapMinutes(minutes: number | null | undefined): number {
  const value = minutes ?? DEFAULT_SECRET_OVERLAP_MINUTES;
  if (!Number.isInteger(value) || value < 0 || value > MAX_SECRET_OVERLAP_MINUTES)
    throw new ValidationError('secretOverlapMinutes', `must be 0 to ${MAX_SECRET_OVERLAP_MINUTES}`);
  return value;
}
