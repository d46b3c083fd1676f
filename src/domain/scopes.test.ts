import { describe, expect, it } from 'vitest';
import { grants, isGrantableScope, SCOPES, type Scope } from './scopes.ts';

const RESOURCE_SCOPES = SCOPES.filter((s): s is Exclude<Scope, 'admin'> => s !== 'admin');

describe('isGrantableScope', () => {
  it('accepts every listed scope and the wildcard of every resource', () => {
    for (const scope of SCOPES) expect(isGrantableScope(scope), scope).toBe(true);
    for (const resource of ['invoices', 'users', 'ledger', 'wallets', 'webhooks', 'payouts']) {
      expect(isGrantableScope(`${resource}:*`), resource).toBe(true);
    }
  });

  it.each([
    'admin:*',
    '*',
    '*:*',
    'root',
    'users:',
    ':*',
    'users:delete',
    'Users:read',
    ' users:read',
    'users:read ',
    'user:*',
    'users:*:x',
    'users:*:*',
    'invoices:read,admin',
    '',
  ])('refuses %j', (value) => {
    expect(isGrantableScope(value)).toBe(false);
  });
});

describe('grants', () => {
  it('gives an admin key every scope', () => {
    for (const scope of SCOPES) expect(grants(['admin'], scope), scope).toBe(true);
  });

  it('gives a scoped key exactly its scopes: no scope implies another, and none implies admin', () => {
    for (const held of RESOURCE_SCOPES) {
      for (const required of SCOPES)
        expect(grants([held], required), `${held} → ${required}`).toBe(held === required);
    }
  });

  it('gives a wildcard every scope of its resource and nothing else', () => {
    for (const required of SCOPES) {
      expect(grants(['users:*'], required), required).toBe(required.startsWith('users:'));
    }
    expect(grants(['invoices:*', 'ledger:read'], 'invoices:write')).toBe(true);
    expect(grants(['invoices:*', 'ledger:read'], 'ledger:read')).toBe(true);
    expect(grants(['invoices:*', 'ledger:read'], 'payouts:read')).toBe(false);
  });

  it('never lets a wildcard-looking string stand for admin', () => {
    expect(grants(['admin:*'], 'admin')).toBe(false);
    expect(grants(['*'], 'admin')).toBe(false);
    expect(grants(['*:*'], 'invoices:read')).toBe(false);
  });

  it('grants nothing to a key without scopes', () => {
    for (const scope of SCOPES) expect(grants([], scope), scope).toBe(false);
  });
});
