import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateUserDocument,
  UpdateUserDocument,
  UserByExternalIdDocument,
  UserDocument,
  UsersDocument,
} from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { codes, count, keyWithScopes, postRaw, sql } from './helpers.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let storeA: Awaited<ReturnType<typeof seedStore>>;
let storeB: Awaited<ReturnType<typeof seedStore>>;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  storeA = await seedStore(db.url, 'Store A');
  storeB = await seedStore(db.url, 'Store B');
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

const adminA = () => client(kassa.graphqlUrl, storeA.apiKey.secret);
const adminB = () => client(kassa.graphqlUrl, storeB.apiKey.secret);

describe('creating and reading users', () => {
  it('creates a user and reads it back by id and by externalId', async () => {
    const { createUser } = await run(adminA(), CreateUserDocument, {
      input: { externalId: 'cust-1001', email: 'alice@example.com', metadata: { tier: 'gold', n: 3 } },
    });
    expect(createUser).toMatchObject({
      externalId: 'cust-1001',
      email: 'alice@example.com',
      metadata: { tier: 'gold', n: 3 },
    });
    expect(createUser.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(createUser.createdAt))).toBe(false);

    const byId = await run(adminA(), UserDocument, { id: createUser.id });
    expect(byId.user).toEqual(createUser);
    const byExternalId = await run(adminA(), UserByExternalIdDocument, { externalId: 'cust-1001' });
    expect(byExternalId.userByExternalId).toEqual(createUser);

    const [row] = await sql(db.url, 'SELECT * FROM "User" WHERE id = $1', [createUser.id]);
    expect(row).toMatchObject({
      storeId: storeA.store.id,
      externalId: 'cust-1001',
      email: 'alice@example.com',
      metadata: { tier: 'gold', n: 3 },
    });
  });

  it('creates a user with only an externalId (email and metadata null)', async () => {
    const { createUser } = await run(adminA(), CreateUserDocument, { input: { externalId: 'bare' } });
    expect(createUser).toMatchObject({ externalId: 'bare', email: null, metadata: null });
  });

  it('answers null for an unknown id or externalId', async () => {
    expect(
      (await run(adminA(), UserDocument, { id: '00000000-0000-4000-8000-000000000000' })).user,
    ).toBeNull();
    expect(
      (await run(adminA(), UserByExternalIdDocument, { externalId: 'nobody' })).userByExternalId,
    ).toBeNull();
  });

  it('answers null for an id that is not a UUID (an ID is any string: not an internal error)', async () => {
    const { body } = await postRaw(
      kassa.graphqlUrl,
      storeA.apiKey.secret,
      'query($id: ID!) { user(id: $id) { id } }',
      {
        id: 'not-a-uuid',
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ user: null });
  });

  it('updateUser with an id that is not a UUID is NOT_FOUND (not an internal error)', async () => {
    const { body } = await postRaw(
      kassa.graphqlUrl,
      storeA.apiKey.secret,
      'mutation($id: ID!) { updateUser(id: $id, input: { email: "x@example.com" }) { id } }',
      { id: 'not-a-uuid' },
    );
    expect(codes(body)).toEqual(['NOT_FOUND']);
  });

  it('accepts an externalId of exactly 128 characters and metadata of exactly 8 KiB', async () => {
    const externalId = 'x'.repeat(128);
    // {"b":"…"} is 8 bytes of JSON around the string.
    const metadata = { b: 'y'.repeat(8192 - 8) };
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(8192);
    const { createUser } = await run(adminA(), CreateUserDocument, { input: { externalId, metadata } });
    expect(createUser.externalId).toBe(externalId);
    expect(createUser.metadata).toEqual(metadata);
  });
});

describe('updating users', () => {
  it('changes given fields, keeps omitted ones and clears email and metadata with null', async () => {
    const { createUser } = await run(adminA(), CreateUserDocument, {
      input: { externalId: 'upd-1', email: 'old@example.com', metadata: { a: 1 } },
    });

    const { updateUser: emailOnly } = await run(adminA(), UpdateUserDocument, {
      id: createUser.id,
      input: { email: 'new@example.com' },
    });
    expect(emailOnly).toMatchObject({
      id: createUser.id,
      externalId: 'upd-1',
      email: 'new@example.com',
      metadata: { a: 1 },
      createdAt: createUser.createdAt,
    });
    expect(Date.parse(emailOnly.updatedAt)).toBeGreaterThanOrEqual(Date.parse(createUser.updatedAt));

    const { updateUser: renamed } = await run(adminA(), UpdateUserDocument, {
      id: createUser.id,
      input: { externalId: 'upd-1-renamed', metadata: { b: [1, 2] } },
    });
    expect(renamed).toMatchObject({
      externalId: 'upd-1-renamed',
      email: 'new@example.com',
      metadata: { b: [1, 2] },
    });
    expect(
      (await run(adminA(), UserByExternalIdDocument, { externalId: 'upd-1' })).userByExternalId,
    ).toBeNull();
    expect(
      (await run(adminA(), UserByExternalIdDocument, { externalId: 'upd-1-renamed' })).userByExternalId?.id,
    ).toBe(createUser.id);

    const { updateUser: cleared } = await run(adminA(), UpdateUserDocument, {
      id: createUser.id,
      input: { email: null, metadata: null },
    });
    expect(cleared).toMatchObject({ externalId: 'upd-1-renamed', email: null, metadata: null });
    const [row] = await sql(db.url, 'SELECT email, metadata FROM "User" WHERE id = $1', [createUser.id]);
    expect(row).toEqual({ email: null, metadata: null });

    const { updateUser: unchanged } = await run(adminA(), UpdateUserDocument, {
      id: createUser.id,
      input: {},
    });
    expect(unchanged).toMatchObject({ externalId: 'upd-1-renamed', email: null, metadata: null });
  });

  it('refuses to rename a user to an externalId taken in the store with CONFLICT', async () => {
    await run(adminA(), CreateUserDocument, { input: { externalId: 'taken-1' } });
    const { createUser } = await run(adminA(), CreateUserDocument, { input: { externalId: 'taken-2' } });
    await expectCode(
      run(adminA(), UpdateUserDocument, { id: createUser.id, input: { externalId: 'taken-1' } }),
      'CONFLICT',
    );
    expect((await run(adminA(), UserDocument, { id: createUser.id })).user?.externalId).toBe('taken-2');
  });

  it('NOT_FOUND for an unknown user', async () => {
    await expectCode(
      run(adminA(), UpdateUserDocument, {
        id: '00000000-0000-4000-8000-000000000000',
        input: { email: 'x@example.com' },
      }),
      'NOT_FOUND',
    );
  });
});

describe('externalId is unique per store', () => {
  it('refuses a second user with the same externalId in one store with CONFLICT', async () => {
    await run(adminA(), CreateUserDocument, { input: { externalId: 'dup-7', email: 'first@example.com' } });
    const error = await expectCode(
      run(adminA(), CreateUserDocument, { input: { externalId: 'dup-7', email: 'second@example.com' } }),
      'CONFLICT',
    );
    expect(error.message).toContain('dup-7');
    expect(
      await count(db.url, 'User', '"storeId" = $1 AND "externalId" = $2', [storeA.store.id, 'dup-7']),
    ).toBe(1);
    const kept = await run(adminA(), UserByExternalIdDocument, { externalId: 'dup-7' });
    expect(kept.userByExternalId?.email).toBe('first@example.com');
  });

  it('lets another store use the same externalId for its own user', async () => {
    const a = await run(adminA(), CreateUserDocument, {
      input: { externalId: 'shared-42', email: 'a@example.com' },
    });
    const b = await run(adminB(), CreateUserDocument, {
      input: { externalId: 'shared-42', email: 'b@example.com' },
    });
    expect(b.createUser.id).not.toBe(a.createUser.id);
    expect(
      (await run(adminA(), UserByExternalIdDocument, { externalId: 'shared-42' })).userByExternalId?.email,
    ).toBe('a@example.com');
    expect(
      (await run(adminB(), UserByExternalIdDocument, { externalId: 'shared-42' })).userByExternalId?.email,
    ).toBe('b@example.com');
  });

  it('two concurrent creates with one externalId: one user, the other CONFLICT', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => run(adminA(), CreateUserDocument, { input: { externalId: 'race-1' } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const errors = (r.reason as { response: { errors: Array<{ extensions?: { code?: string } }> } })
        .response.errors;
      expect(errors.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    }
    expect(await count(db.url, 'User', '"externalId" = $1', ['race-1'])).toBe(1);
  });
});

describe('validation', () => {
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['an empty externalId', { externalId: '' }, 'externalId'],
    ['an externalId of 129 characters', { externalId: 'x'.repeat(129) }, 'externalId'],
    ['an externalId with a space', { externalId: 'a b' }, 'externalId'],
    ['an externalId with a control character', { externalId: 'a\nb' }, 'externalId'],
    ['an email without @', { externalId: 'v-1', email: 'not-an-email' }, 'email'],
    ['an email with spaces', { externalId: 'v-2', email: 'a b@example.com' }, 'email'],
    ['metadata that is an array', { externalId: 'v-3', metadata: [1, 2] }, 'metadata'],
    ['metadata that is a string', { externalId: 'v-4', metadata: 'text' }, 'metadata'],
    ['metadata that is a number', { externalId: 'v-5', metadata: 42 }, 'metadata'],
    ['metadata over 8 KiB', { externalId: 'v-6', metadata: { b: 'y'.repeat(8192 - 7) } }, 'metadata'],
    // 4,093 two-byte characters: under 8,192 characters but over 8 KiB of UTF-8.
    [
      'metadata over 8 KiB in bytes, not characters',
      { externalId: 'v-7', metadata: { b: 'é'.repeat(4093) } },
      'metadata',
    ],
  ];

  it.each(bad)('createUser refuses %s with VALIDATION and writes nothing', async (_name, input, field) => {
    const before = await count(db.url, 'User');
    const error = await expectCode(
      run(adminA(), CreateUserDocument, { input: input as { externalId: string } }),
      'VALIDATION',
    );
    expect(error.extensions?.field).toBe(field);
    expect(error.message).toContain(field);
    expect(await count(db.url, 'User')).toBe(before);
  });

  it.each(bad)('updateUser refuses %s with VALIDATION and changes nothing', async (_name, input, field) => {
    const { createUser } = await run(adminA(), UserByExternalIdDocument, { externalId: 'cust-1001' }).then(
      (r) => ({
        createUser: r.userByExternalId!,
      }),
    );
    const [before] = await sql(db.url, 'SELECT * FROM "User" WHERE id = $1', [createUser.id]);
    const error = await expectCode(
      run(adminA(), UpdateUserDocument, { id: createUser.id, input: input as { externalId: string } }),
      'VALIDATION',
    );
    expect(error.message).toContain(field);
    const [after] = await sql(db.url, 'SELECT * FROM "User" WHERE id = $1', [createUser.id]);
    expect(after).toEqual(before);
  });

  it('refuses a missing externalId on create (GraphQL input validation) and writes nothing', async () => {
    const before = await count(db.url, 'User');
    const { body } = await postRaw(
      kassa.graphqlUrl,
      storeA.apiKey.secret,
      'mutation { createUser(input: { email: "a@example.com" }) { id } }',
    );
    expect(body.data ?? null).toBeNull();
    expect(codes(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await count(db.url, 'User')).toBe(before);
  });
});

describe('listing users', () => {
  it('pages over the store’s users newest first with first/after and pageInfo', async () => {
    const storeC = await seedStore(db.url, 'Store C');
    const adminC = client(kassa.graphqlUrl, storeC.apiKey.secret);
    const created = [];
    for (let i = 1; i <= 5; i++)
      created.push(
        (await run(adminC, CreateUserDocument, { input: { externalId: `page-${i}` } })).createUser,
      );
    // Newest first; ties in createdAt (same millisecond) are broken by id, newest-first style.
    const expected = [...created]
      .sort(
        (x, y) =>
          Date.parse(y.createdAt) - Date.parse(x.createdAt) || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
      )
      .map((u) => u.externalId);
    const distinctTimes = new Set(created.map((u) => u.createdAt)).size === created.length;
    if (distinctTimes) expect(expected).toEqual(['page-5', 'page-4', 'page-3', 'page-2', 'page-1']);

    const page1 = (await run(adminC, UsersDocument, { first: 2 })).users;
    expect(page1.edges.map((e) => e.node.externalId)).toEqual(expected.slice(0, 2));
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page1.pageInfo.startCursor).toBe(page1.edges[0].cursor);
    expect(page1.pageInfo.endCursor).toBe(page1.edges[1].cursor);

    const page2 = (await run(adminC, UsersDocument, { first: 2, after: page1.pageInfo.endCursor })).users;
    expect(page2.edges.map((e) => e.node.externalId)).toEqual(expected.slice(2, 4));
    expect(page2.pageInfo.hasNextPage).toBe(true);

    const page3 = (await run(adminC, UsersDocument, { first: 2, after: page2.pageInfo.endCursor })).users;
    expect(page3.edges.map((e) => e.node.externalId)).toEqual(expected.slice(4));
    expect(page3.pageInfo.hasNextPage).toBe(false);

    const all = (await run(adminC, UsersDocument, { first: 10 })).users;
    expect(all.edges.map((e) => e.node.externalId)).toEqual(expected);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    const past = (await run(adminC, UsersDocument, { first: 2, after: page3.pageInfo.endCursor })).users;
    expect(past.edges).toEqual([]);
    expect(past.pageInfo.hasNextPage).toBe(false);
  });

  it('lists only the caller’s store', async () => {
    const b = (await run(adminB(), UsersDocument, { first: 100 })).users;
    const storeBIds = await sql<{ id: string }>(db.url, 'SELECT id FROM "User" WHERE "storeId" = $1', [
      storeB.store.id,
    ]);
    expect(b.edges.map((e) => e.node.id).sort()).toEqual(storeBIds.map((r) => r.id).sort());
    expect(b.edges.map((e) => e.node.externalId)).not.toContain('cust-1001');
  });
});

describe('stores never see each other’s users', () => {
  it("user(id) of another store's user is null, and the response carries none of its data", async () => {
    const { createUser } = await run(adminA(), CreateUserDocument, {
      input: { externalId: 'secret-a', email: 'secret-a@example.com', metadata: { ssn: 'a-1234' } },
    });
    expect((await run(adminB(), UserDocument, { id: createUser.id })).user).toBeNull();
    expect(
      (await run(adminB(), UserByExternalIdDocument, { externalId: 'secret-a' })).userByExternalId,
    ).toBeNull();
    const raw = await postRaw(
      kassa.graphqlUrl,
      storeB.apiKey.secret,
      'query($id: ID!) { user(id: $id) { id email metadata } }',
      {
        id: createUser.id,
      },
    );
    expect(raw.text).not.toContain('secret-a@example.com');
    expect(raw.text).not.toContain('a-1234');
  });

  it("updateUser of another store's user is NOT_FOUND and changes nothing", async () => {
    const { createUser } = await run(adminA(), CreateUserDocument, {
      input: { externalId: 'victim', email: 'victim@example.com' },
    });
    await expectCode(
      run(adminB(), UpdateUserDocument, { id: createUser.id, input: { email: 'attacker@example.com' } }),
      'NOT_FOUND',
    );
    expect((await run(adminA(), UserDocument, { id: createUser.id })).user?.email).toBe('victim@example.com');
  });
});

describe('who may call the user API', () => {
  it('refuses callers without credentials with UNAUTHENTICATED', async () => {
    const anonymous = client(kassa.graphqlUrl);
    await expectCode(run(anonymous, UsersDocument, { first: 1 }), 'UNAUTHENTICATED');
    await expectCode(
      run(anonymous, UserByExternalIdDocument, { externalId: 'cust-1001' }),
      'UNAUTHENTICATED',
    );
    await expectCode(
      run(anonymous, CreateUserDocument, { input: { externalId: 'anon' } }),
      'UNAUTHENTICATED',
    );
    expect(await count(db.url, 'User', '"externalId" = $1', ['anon'])).toBe(0);
  });

  it('users:read reads but may not write; users:write is needed to create and update', async () => {
    const reader = client(
      kassa.graphqlUrl,
      await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, ['users:read']),
    );
    const alice = (await run(reader, UserByExternalIdDocument, { externalId: 'cust-1001' })).userByExternalId;
    expect(alice?.email).toBe('alice@example.com');
    expect((await run(reader, UsersDocument, { first: 1 })).users.edges).toHaveLength(1);
    await expectCode(run(reader, CreateUserDocument, { input: { externalId: 'by-reader' } }), 'FORBIDDEN');
    await expectCode(
      run(reader, UpdateUserDocument, { id: alice!.id, input: { email: 'changed@example.com' } }),
      'FORBIDDEN',
    );
    expect(await count(db.url, 'User', '"externalId" = $1', ['by-reader'])).toBe(0);
    expect((await run(adminA(), UserDocument, { id: alice!.id })).user?.email).toBe('alice@example.com');
  });

  it('a key without users scopes may not read users', async () => {
    const invoicesOnly = client(
      kassa.graphqlUrl,
      await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, ['invoices:read', 'invoices:write']),
    );
    const alice = (await run(adminA(), UserByExternalIdDocument, { externalId: 'cust-1001' }))
      .userByExternalId!;
    await expectCode(run(invoicesOnly, UserDocument, { id: alice.id }), 'FORBIDDEN');
    await expectCode(run(invoicesOnly, UserByExternalIdDocument, { externalId: 'cust-1001' }), 'FORBIDDEN');
    await expectCode(run(invoicesOnly, UsersDocument, { first: 5 }), 'FORBIDDEN');
    await expectCode(
      run(invoicesOnly, CreateUserDocument, { input: { externalId: 'by-invoices' } }),
      'FORBIDDEN',
    );
    const raw = await postRaw(
      kassa.graphqlUrl,
      await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, ['ledger:read']),
      'query($id: ID!) { user(id: $id) { email } }',
      { id: alice.id },
    );
    expect(codes(raw.body)).toContain('FORBIDDEN');
    expect(raw.text).not.toContain('alice@example.com');
  });

  it('a users:* key may read and write users', async () => {
    const wildcard = client(
      kassa.graphqlUrl,
      await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, ['users:*']),
    );
    const { createUser } = await run(wildcard, CreateUserDocument, { input: { externalId: 'by-wildcard' } });
    expect((await run(wildcard, UserDocument, { id: createUser.id })).user?.externalId).toBe('by-wildcard');
  });
});
