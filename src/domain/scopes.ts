/**
 * What a store API key may do. `admin` implies every other scope of its own store; no scope
 * ever reaches another store's data.
 */
export const SCOPES = [
  'admin',
  'invoices:read',
  'invoices:write',
  'users:read',
  'users:write',
  'ledger:read',
  'wallets:manage',
  'webhooks:manage',
  'payouts:read',
  'payouts:write',
] as const;

export type Scope = (typeof SCOPES)[number];

const RESOURCES = new Set(SCOPES.map((s) => s.split(':')[0]));

/** A scope a key may be granted: a listed scope or a resource wildcard such as `users:*`. */
export function isGrantableScope(value: string): boolean {
  if ((SCOPES as readonly string[]).includes(value)) return true;
  const parts = value.split(':');
  return parts.length === 2 && parts[1] === '*' && parts[0] !== 'admin' && RESOURCES.has(parts[0]);
}

/** Does a key holding `granted` satisfy `required`? (`users:*` style wildcards included.) */
export function grants(granted: readonly string[], required: Scope): boolean {
  if (granted.includes('admin') || granted.includes(required)) return true;
  // `admin` is not a resource: no wildcard stands for it.
  if (required === 'admin') return false;
  const [resource] = required.split(':');
  return granted.includes(`${resource}:*`);
}
