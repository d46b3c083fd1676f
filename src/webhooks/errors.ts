import { KassaError } from '../domain/errors.ts';

/**
 * A webhook URL Kassa will not call: malformed, a scheme other than http(s), or a host that
 * resolves to a non-public address while private addresses are not allowed.
 */
export class WebhookUrlError extends KassaError {
  override name = 'WebhookUrlError';
  /** `invalid`, `private-address` or `unresolvable`: the last one may pass later, the others not. */
  readonly reason: 'invalid' | 'private-address' | 'unresolvable';
  constructor(
    reason: 'invalid' | 'private-address' | 'unresolvable',
    problem: string,
    details: Record<string, unknown> = {},
  ) {
    super('VALIDATION', `url: ${problem}`, { details: { field: 'url', reason, ...details } });
    this.reason = reason;
  }
}
