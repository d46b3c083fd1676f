import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  CreateDepositAddressDocument,
  CreateUserDocument,
  CreateUserTokenDocument,
  UpdateUserDocument,
  UserByExternalIdDocument,
  UserDocument,
  UsersAddWalletDocument,
  UsersCreateInvoiceDocument,
  UsersDocument,
  UsersInvoiceDocument,
  UsersInvoicesDocument,
} from '../graphql/generated/graphql.ts';
import { BTC_XPUB, ETH_XPUB, TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { codes, count, keyWithScopes, postRaw, sql } from './helpers.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let storeA: Awaited<ReturnType<typeof seedStore>>;
let storeB: Awaited<ReturnType<typeof seedStore>>;
/** How far the server's clock runs ahead of the real one. */
let clockOffsetMs = 0;
const serverNow = () => new Date(Date.now() + clockOffsetMs);

type User = { id: string; externalId: string; email?: string | null };
let alice: User;
let bob: User;
let carolB: User;
/** Invoices of store A by owner. */
const invoices: { alice: string[]; bob: string[]; nobody: string[] } = { alice: [], bob: [], nobody: [] };

const adminA = () => client(kassa.graphqlUrl, storeA.apiKey.secret);
const adminB = () => client(kassa.graphqlUrl, storeB.apiKey.secret);

async function mint(userId: string, ttlSeconds = 600, admin = adminA()) {
  return (await run(admin, CreateUserTokenDocument, { userId, ttlSeconds })).createUserToken;
}

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { now: serverNow });
  storeA = await seedStore(db.url, 'Store A');
  storeB = await seedStore(db.url, 'Store B');
  await run(adminA(), UsersAddWalletDocument, {
    input: { chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wpkh' },
  });
  await run(adminA(), UsersAddWalletDocument, { input: { chain: 'ethereum', extendedKey: ETH_XPUB } });

  const create = async (admin: ReturnType<typeof client>, externalId: string, email: string) =>
    (
      await run(admin, CreateUserDocument, {
        input: { externalId, email, metadata: { secret: `${externalId}-meta` } },
      })
    ).createUser;
  alice = await create(adminA(), 'alice', 'alice@example.com');
  bob = await create(adminA(), 'bob', 'bob@example.com');
  carolB = await create(adminB(), 'carol', 'carol@example.com');

  const invoice = async (userId: string | undefined, orderId: string) =>
    (
      await run(adminA(), UsersCreateInvoiceDocument, {
        input: {
          price: '10',
          currency: 'EUR',
          orderId,
          metadata: { note: `${orderId}-meta` },
          ...(userId ? { userId } : {}),
        },
      })
    ).createInvoice.id;
  invoices.alice.push(await invoice(alice.id, 'order-alice-1'));
  invoices.bob.push(await invoice(bob.id, 'order-bob-1'));
  invoices.alice.push(await invoice(alice.id, 'order-alice-2'));
  invoices.nobody.push(await invoice(undefined, 'order-nobody-1'));
  invoices.bob.push(await invoice(bob.id, 'order-bob-2'));
});

afterEach(() => {
  clockOffsetMs = 0;
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

describe('minting a user token', () => {
  it('returns a kassa_ut_ token that expires ttlSeconds from now, stored only as its hash', async () => {
    const before = Date.now();
    const { token, expiresAt } = await mint(alice.id, 3600);
    const after = Date.now();
    expect(token).toMatch(/^kassa_ut_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt)).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(after + 3_600_000);

    const rows = await sql(db.url, 'SELECT * FROM "UserToken" WHERE "secretHash" = $1', [
      createHash('sha256').update(token).digest('hex'),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: alice.id, storeId: storeA.store.id });
    expect((rows[0].expiresAt as Date).toISOString()).toBe(expiresAt);
    const everything = JSON.stringify(await sql(db.url, 'SELECT * FROM "UserToken"'));
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(-43));
  });

  it('each mint is a new token; earlier ones keep working', async () => {
    const first = await mint(alice.id);
    const second = await mint(alice.id);
    expect(second.token).not.toBe(first.token);
    for (const { token } of [first, second])
      expect((await run(client(kassa.graphqlUrl, token), UserDocument, { id: alice.id })).user?.id).toBe(
        alice.id,
      );
  });

  it.each([0, 59, -60, 30 * 86_400 + 1, 365 * 86_400])(
    'ttlSeconds %i is VALIDATION and writes nothing',
    async (ttl) => {
      const before = await count(db.url, 'UserToken');
      const error = await expectCode(
        run(adminA(), CreateUserTokenDocument, { userId: alice.id, ttlSeconds: ttl }),
        'VALIDATION',
      );
      expect(error.message).toContain('ttlSeconds');
      expect(await count(db.url, 'UserToken')).toBe(before);
    },
  );

  it('ttlSeconds 60 and 30 days are accepted', async () => {
    for (const ttl of [60, 30 * 86_400]) {
      const { expiresAt } = await mint(alice.id, ttl);
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(ttl * 1000 - 10_000);
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(ttl * 1000);
    }
  });

  it("another store's user is NOT_FOUND at minting, and no token is written", async () => {
    const before = await count(db.url, 'UserToken');
    await expectCode(
      run(adminA(), CreateUserTokenDocument, { userId: carolB.id, ttlSeconds: 600 }),
      'NOT_FOUND',
    );
    await expectCode(
      run(adminB(), CreateUserTokenDocument, { userId: alice.id, ttlSeconds: 600 }),
      'NOT_FOUND',
    );
    await expectCode(
      run(adminA(), CreateUserTokenDocument, {
        userId: '00000000-0000-4000-8000-000000000000',
        ttlSeconds: 600,
      }),
      'NOT_FOUND',
    );
    await expectCode(
      run(adminA(), CreateUserTokenDocument, { userId: 'not-a-uuid', ttlSeconds: 600 }),
      'NOT_FOUND',
    );
    expect(await count(db.url, 'UserToken')).toBe(before);
  });

  it('needs users:write: users:read and invoices:* keys are FORBIDDEN, no credentials UNAUTHENTICATED', async () => {
    const before = await count(db.url, 'UserToken');
    for (const scopes of [['users:read'], ['invoices:read', 'invoices:write']]) {
      const key = await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, scopes);
      await expectCode(
        run(client(kassa.graphqlUrl, key), CreateUserTokenDocument, { userId: alice.id, ttlSeconds: 600 }),
        'FORBIDDEN',
      );
    }
    await expectCode(
      run(client(kassa.graphqlUrl), CreateUserTokenDocument, { userId: alice.id, ttlSeconds: 600 }),
      'UNAUTHENTICATED',
    );
    const writer = await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, ['users:write']);
    expect(
      (
        await run(client(kassa.graphqlUrl, writer), CreateUserTokenDocument, {
          userId: alice.id,
          ttlSeconds: 600,
        })
      ).createUserToken.token,
    ).toMatch(/^kassa_ut_/);
    expect(await count(db.url, 'UserToken')).toBe(before + 1);
  });
});

describe('what a user token reads', () => {
  it('reads its own user by id and by externalId', async () => {
    const asAlice = client(kassa.graphqlUrl, (await mint(alice.id)).token);
    expect((await run(asAlice, UserDocument, { id: alice.id })).user).toMatchObject({
      id: alice.id,
      externalId: 'alice',
      email: 'alice@example.com',
      metadata: { secret: 'alice-meta' },
    });
    expect((await run(asAlice, UserByExternalIdDocument, { externalId: 'alice' })).userByExternalId?.id).toBe(
      alice.id,
    );
  });

  it("never another user's data: user(id) and userByExternalId are refused or null", async () => {
    const { token } = await mint(alice.id);
    const probes: Array<[string, Record<string, unknown>]> = [
      ['query($id: ID!) { user(id: $id) { id externalId email metadata } }', { id: bob.id }],
      [
        'query($e: String!) { userByExternalId(externalId: $e) { id externalId email metadata } }',
        { e: 'bob' },
      ],
      // Another store's user, by id and by an externalId that exists only there.
      ['query($id: ID!) { user(id: $id) { id externalId email metadata } }', { id: carolB.id }],
      [
        'query($e: String!) { userByExternalId(externalId: $e) { id externalId email metadata } }',
        { e: 'carol' },
      ],
      ['query($e: String!) { userByExternalId(externalId: $e) { id } }', { e: 'nobody-at-all' }],
    ];
    for (const [query, variables] of probes) {
      const { body, text } = await postRaw(kassa.graphqlUrl, token, query, variables);
      const data = body.data ?? {};
      for (const value of Object.values(data)) expect(value).toBeNull();
      for (const code of codes(body)) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(code);
      for (const secret of [
        'bob@example.com',
        'bob-meta',
        bob.id,
        'carol@example.com',
        'carol-meta',
        carolB.id,
      ]) {
        if (Object.values(variables).includes(secret)) continue; // an id the caller sent itself
        expect(text).not.toContain(secret);
      }
    }
  });

  it('invoices returns only its own user’s invoices, whatever the filter says', async () => {
    const asAlice = client(kassa.graphqlUrl, (await mint(alice.id)).token);
    const own = (await run(asAlice, UsersInvoicesDocument, { first: 50 })).invoices.edges.map((e) => e.node);
    expect(own.map((i) => i.id).sort()).toEqual([...invoices.alice].sort());
    expect(own.every((i) => i.userId === alice.id)).toBe(true);
    expect(own.map((i) => i.orderId).sort()).toEqual(['order-alice-1', 'order-alice-2']);

    const filtered = (await run(asAlice, UsersInvoicesDocument, { first: 50, filter: { userId: bob.id } }))
      .invoices;
    expect(filtered.edges.map((e) => e.node.id).sort()).toEqual([...invoices.alice].sort());
    const byOrder = (
      await run(asAlice, UsersInvoicesDocument, { first: 50, filter: { orderId: 'order-bob-1' } })
    ).invoices;
    expect(byOrder.edges).toEqual([]);

    const asBob = client(kassa.graphqlUrl, (await mint(bob.id)).token);
    const bobs = (await run(asBob, UsersInvoicesDocument, { first: 50 })).invoices.edges.map(
      (e) => e.node.id,
    );
    expect(bobs.sort()).toEqual([...invoices.bob].sort());

    // The store key sees all five.
    const all = (await run(adminA(), UsersInvoicesDocument, { first: 50 })).invoices.edges;
    expect(all).toHaveLength(5);
  });

  it("another user's invoice by id shows at most its public checkout view", async () => {
    const { token } = await mint(alice.id);
    const bobsInvoice = invoices.bob[0];
    const { body, text } = await postRaw(
      kassa.graphqlUrl,
      token,
      'query($id: ID!) { invoice(id: $id) { id status userId orderId metadata } }',
      { id: bobsInvoice },
    );
    // Anyone holding the id reads the public fields; the owner's fields are refused.
    expect(body.data?.invoice).toEqual({
      id: bobsInvoice,
      status: 'NEW',
      userId: null,
      orderId: null,
      metadata: null,
    });
    expect(codes(body)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(text).not.toContain('order-bob-1');
    expect(text).not.toContain(bob.id);
    // Its own invoice, in full.
    const mine = (await run(client(kassa.graphqlUrl, token), UsersInvoiceDocument, { id: invoices.alice[0] }))
      .invoice;
    expect(mine).toMatchObject({
      id: invoices.alice[0],
      userId: alice.id,
      orderId: 'order-alice-1',
      metadata: { note: 'order-alice-1-meta' },
    });
  });

  it('is FORBIDDEN everything a store key does: createInvoice, createUser, users, apiKeys and more', async () => {
    const asAlice = client(kassa.graphqlUrl, (await mint(alice.id)).token);
    const users = await count(db.url, 'User');
    const invoiceCount = await count(db.url, 'Invoice');
    const tokens = await count(db.url, 'UserToken');
    const keys = await count(db.url, 'ApiKey');
    await expectCode(
      run(asAlice, UsersCreateInvoiceDocument, { input: { price: '1', currency: 'EUR', userId: alice.id } }),
      'FORBIDDEN',
    );
    await expectCode(
      run(asAlice, CreateUserDocument, { input: { externalId: 'made-by-token' } }),
      'FORBIDDEN',
    );
    await expectCode(run(asAlice, UsersDocument, { first: 10 }), 'FORBIDDEN');
    await expectCode(run(asAlice, ApiKeysDocument), 'FORBIDDEN');
    await expectCode(
      run(asAlice, CreateApiKeyDocument, { input: { label: 'escalate', scopes: ['admin'] } }),
      'FORBIDDEN',
    );
    // Not even for itself: no changing its own record, no minting more tokens, no addresses.
    await expectCode(
      run(asAlice, UpdateUserDocument, { id: alice.id, input: { email: 'hacked@example.com' } }),
      'FORBIDDEN',
    );
    await expectCode(
      run(asAlice, CreateUserTokenDocument, { userId: alice.id, ttlSeconds: 2_592_000 }),
      'FORBIDDEN',
    );
    await expectCode(
      run(asAlice, CreateDepositAddressDocument, { userId: alice.id, asset: 'BTC' }),
      'FORBIDDEN',
    );
    expect(await count(db.url, 'User')).toBe(users);
    expect(await count(db.url, 'Invoice')).toBe(invoiceCount);
    expect(await count(db.url, 'UserToken')).toBe(tokens);
    expect(await count(db.url, 'ApiKey')).toBe(keys);
    expect(await count(db.url, 'Address', '"userId" = $1', [alice.id])).toBe(0);
    expect((await run(adminA(), UserDocument, { id: alice.id })).user?.email).toBe('alice@example.com');
  });

  it('a token of a store-B user reads nothing of store A', async () => {
    const asCarol = client(kassa.graphqlUrl, (await mint(carolB.id, 600, adminB())).token);
    expect((await run(asCarol, UserDocument, { id: carolB.id })).user?.externalId).toBe('carol');
    expect((await run(asCarol, UsersInvoicesDocument, { first: 50 })).invoices.edges).toEqual([]);
    const { text } = await postRaw(
      kassa.graphqlUrl,
      (await mint(carolB.id, 600, adminB())).token,
      'query($id: ID!) { user(id: $id) { email } }',
      {
        id: alice.id,
      },
    );
    expect(text).not.toContain('alice@example.com');
  });
});

describe('expiry', () => {
  it('works until expiresAt and is UNAUTHENTICATED after (the server clock decides)', async () => {
    const { token, expiresAt } = await mint(alice.id, 60);
    const asAlice = client(kassa.graphqlUrl, token);
    expect((await run(asAlice, UserDocument, { id: alice.id })).user?.id).toBe(alice.id); // cached now

    clockOffsetMs = 59_000;
    expect((await run(asAlice, UserDocument, { id: alice.id })).user?.id).toBe(alice.id);

    clockOffsetMs = 61_000;
    expect(serverNow().getTime()).toBeGreaterThan(Date.parse(expiresAt));
    await expectCode(run(asAlice, UserDocument, { id: alice.id }), 'UNAUTHENTICATED');
    await expectCode(run(asAlice, UsersInvoicesDocument, { first: 5 }), 'UNAUTHENTICATED');
    const raw = await postRaw(kassa.graphqlUrl, token, '{ invoices(first: 5) { edges { node { id } } } }');
    expect(raw.status).toBe(401);
    expect(raw.text).not.toContain(invoices.alice[0]);

    // A token minted at the moved clock is valid at it: expiry follows the server's clock too.
    const fresh = await mint(alice.id, 60);
    expect(Date.parse(fresh.expiresAt)).toBeGreaterThan(serverNow().getTime() + 55_000);
    expect((await run(client(kassa.graphqlUrl, fresh.token), UserDocument, { id: alice.id })).user?.id).toBe(
      alice.id,
    );
  });

  it('an unknown or tampered token is UNAUTHENTICATED', async () => {
    const { token } = await mint(alice.id);
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await expectCode(
      run(client(kassa.graphqlUrl, tampered), UserDocument, { id: alice.id }),
      'UNAUTHENTICATED',
    );
    await expectCode(
      run(client(kassa.graphqlUrl, 'kassa_ut_00000000_nope'), UserDocument, { id: alice.id }),
      'UNAUTHENTICATED',
    );
  });
});
