import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  RevokeApiKeyDocument,
  StoreDocument,
  UpdateStoreDocument,
} from '../graphql/generated/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let storeA: Awaited<ReturnType<typeof seedStore>>;
let storeB: Awaited<ReturnType<typeof seedStore>>;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url);
  storeA = await seedStore(db.url, 'Store A');
  storeB = await seedStore(db.url, 'Store B');
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

async function countKeys(): Promise<number> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const { rows } = await c.query('SELECT count(*)::int AS n FROM "ApiKey"');
  await c.end();
  return rows[0].n;
}

describe('stores and API keys', () => {
  it('answers `store` for the store of the key, and only that store', async () => {
    const a = await run(client(kassa.graphqlUrl, storeA.apiKey.secret), StoreDocument);
    const b = await run(client(kassa.graphqlUrl, storeB.apiKey.secret), StoreDocument);
    expect(a.store).toMatchObject({ id: storeA.store.id, name: 'Store A', defaultCurrency: 'EUR' });
    expect(b.store).toMatchObject({ id: storeB.store.id, name: 'Store B' });
  });

  it('refuses a request without a key with UNAUTHENTICATED', async () => {
    await expectCode(run(client(kassa.graphqlUrl), StoreDocument), 'UNAUTHENTICATED');
    await expectCode(run(client(kassa.graphqlUrl), ApiKeysDocument), 'UNAUTHENTICATED');
  });

  it('refuses an unknown or malformed key with UNAUTHENTICATED', async () => {
    await expectCode(
      run(client(kassa.graphqlUrl, 'kassa_sk_00000000_nope'), StoreDocument),
      'UNAUTHENTICATED',
    );
    const res = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ store { id } }' }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const admin = client(kassa.graphqlUrl, storeA.apiKey.secret);
    const { createApiKey } = await run(admin, CreateApiKeyDocument, {
      input: { label: 'shop backend', scopes: ['invoices:read', 'invoices:write'] },
    });
    expect(createApiKey.secret).toMatch(/^kassa_sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(createApiKey.secret.startsWith(createApiKey.apiKey.prefix)).toBe(true);
    expect(createApiKey.apiKey.scopes).toEqual(['invoices:read', 'invoices:write']);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT * FROM "ApiKey" WHERE id = $1', [createApiKey.apiKey.id]);
    await c.end();
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(createApiKey.secret);
    expect(stored).not.toContain(createApiKey.secret.slice(-43));
    expect(rows[0].secretHash).toBe(createHash('sha256').update(createApiKey.secret).digest('hex'));

    const listed = await run(admin, ApiKeysDocument);
    expect(listed.apiKeys.map((k) => k.id)).toContain(createApiKey.apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(createApiKey.secret);
  });

  it('refuses a key without the needed scope with FORBIDDEN and changes nothing', async () => {
    const admin = client(kassa.graphqlUrl, storeA.apiKey.secret);
    const { createApiKey } = await run(admin, CreateApiKeyDocument, {
      input: { label: 'read only', scopes: ['invoices:read'] },
    });
    const limited = client(kassa.graphqlUrl, createApiKey.secret);
    // A scoped key still reads its own store...
    expect((await run(limited, StoreDocument)).store.id).toBe(storeA.store.id);
    // ...but may not manage keys or settings.
    const before = await countKeys();
    await expectCode(
      run(limited, CreateApiKeyDocument, { input: { label: 'escalate', scopes: ['admin'] } }),
      'FORBIDDEN',
    );
    await expectCode(run(limited, ApiKeysDocument), 'FORBIDDEN');
    await expectCode(run(limited, UpdateStoreDocument, { input: { name: 'Hijacked' } }), 'FORBIDDEN');
    expect(await countKeys()).toBe(before);
    expect((await run(admin, StoreDocument)).store.name).toBe('Store A');
  });

  it('refuses a revoked key at once', async () => {
    const admin = client(kassa.graphqlUrl, storeA.apiKey.secret);
    const { createApiKey } = await run(admin, CreateApiKeyDocument, {
      input: { label: 'to revoke', scopes: ['admin'] },
    });
    const doomed = client(kassa.graphqlUrl, createApiKey.secret);
    expect((await run(doomed, StoreDocument)).store.id).toBe(storeA.store.id); // now cached
    const { revokeApiKey } = await run(admin, RevokeApiKeyDocument, { id: createApiKey.apiKey.id });
    expect(revokeApiKey.revokedAt).not.toBeNull();
    await expectCode(run(doomed, StoreDocument), 'UNAUTHENTICATED');
  });

  it("cannot see or revoke another store's key: NOT_FOUND, and the key keeps working", async () => {
    const adminB = client(kassa.graphqlUrl, storeB.apiKey.secret);
    await expectCode(run(adminB, RevokeApiKeyDocument, { id: storeA.apiKey.id }), 'NOT_FOUND');
    const keysB = await run(adminB, ApiKeysDocument);
    expect(keysB.apiKeys.map((k) => k.id)).not.toContain(storeA.apiKey.id);
    expect((await run(client(kassa.graphqlUrl, storeA.apiKey.secret), StoreDocument)).store.id).toBe(
      storeA.store.id,
    );
  });

  it('rejects unknown scopes and empty labels with VALIDATION and writes nothing', async () => {
    const admin = client(kassa.graphqlUrl, storeA.apiKey.secret);
    const before = await countKeys();
    const error = await expectCode(
      run(admin, CreateApiKeyDocument, { input: { label: 'x', scopes: ['invoices:read', 'root'] } }),
      'VALIDATION',
    );
    expect(error.message).toContain('root');
    await expectCode(
      run(admin, CreateApiKeyDocument, { input: { label: '  ', scopes: ['admin'] } }),
      'VALIDATION',
    );
    await expectCode(
      run(admin, CreateApiKeyDocument, { input: { label: 'none', scopes: [] } }),
      'VALIDATION',
    );
    expect(await countKeys()).toBe(before);
  });

  it('updates store settings with validation', async () => {
    const admin = client(kassa.graphqlUrl, storeB.apiKey.secret);
    const { updateStore } = await run(admin, UpdateStoreDocument, {
      input: {
        name: 'Store B2',
        defaultCurrency: 'USD',
        expirationMinutes: 30,
        paymentTolerancePercent: '1.5',
      },
    });
    expect(updateStore).toMatchObject({
      name: 'Store B2',
      defaultCurrency: 'USD',
      expirationMinutes: 30,
      paymentTolerancePercent: '1.5',
    });
    await expectCode(run(admin, UpdateStoreDocument, { input: { defaultCurrency: 'euro' } }), 'VALIDATION');
    await expectCode(run(admin, UpdateStoreDocument, { input: { expirationMinutes: 0 } }), 'VALIDATION');
    await expectCode(
      run(admin, UpdateStoreDocument, { input: { paymentTolerancePercent: '101' } }),
      'VALIDATION',
    );
    expect((await run(admin, StoreDocument)).store.defaultCurrency).toBe('USD');
  });
});
