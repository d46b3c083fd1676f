import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDepositAddressDocument,
  CreateUserDocument,
  CreateUserTokenDocument,
  UsersAddWalletDocument,
  UsersCreateInvoiceDocument,
} from '../graphql/generated/graphql.ts';
import { BTC_XPUB, ETH_XPUB, TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { codes, count, evmAddress, keyWithScopes, p2wpkhAddress, postRaw, sql } from './helpers.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let storeA: Awaited<ReturnType<typeof seedStore>>;
let storeB: Awaited<ReturnType<typeof seedStore>>;
let wallets: { bitcoin: string; ethereum: string };

const adminA = () => client(kassa.graphqlUrl, storeA.apiKey.secret);
const adminB = () => client(kassa.graphqlUrl, storeB.apiKey.secret);

async function newUser(admin = adminA(), externalId = `u-${Math.random().toString(36).slice(2)}`) {
  return (await run(admin, CreateUserDocument, { input: { externalId } })).createUser;
}

interface AddressRow {
  id: string;
  walletId: string;
  storeId: string;
  chain: string;
  derivationIndex: number;
  address: string;
  state: string;
  invoiceId: string | null;
  userId: string | null;
  allocatedAt: Date | null;
}

async function addressRows(where: string, values: unknown[]) {
  return sql<AddressRow & Record<string, unknown>>(
    db.url,
    `SELECT id, "walletId", "storeId", chain, "derivationIndex", address, state::text AS state, "invoiceId",
            "userId", "allocatedAt"
     FROM "Address" WHERE ${where} ORDER BY chain, "derivationIndex"`,
    values,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  storeA = await seedStore(db.url, 'Store A');
  storeB = await seedStore(db.url, 'Store B');
  const btc = await run(adminA(), UsersAddWalletDocument, {
    input: { chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wpkh' },
  });
  const eth = await run(adminA(), UsersAddWalletDocument, {
    input: { chain: 'ethereum', extendedKey: ETH_XPUB },
  });
  wallets = { bitcoin: btc.addWallet.id, ethereum: eth.addWallet.id };
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

describe('a user’s permanent deposit address', () => {
  it('BTC: a bc1q address of the store’s bitcoin wallet, the first unused one; the same on every call', async () => {
    const user = await newUser();
    const first = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }))
      .createDepositAddress;
    expect(first).toEqual({
      asset: 'BTC',
      chain: 'bitcoin',
      // Nothing was handed out before: the wallet's receive address 0/0.
      address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      userId: user.id,
    });
    expect(first.address).toBe(p2wpkhAddress(BTC_XPUB, 0));

    const again = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }))
      .createDepositAddress;
    expect(again).toEqual(first);

    const rows = await addressRows('"userId" = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      walletId: wallets.bitcoin,
      storeId: storeA.store.id,
      chain: 'bitcoin',
      derivationIndex: 0,
      address: first.address,
      state: 'DEPOSIT',
      invoiceId: null,
    });
    expect(rows[0].allocatedAt).toBeInstanceOf(Date);
  });

  it('every BTC deposit address is a bc1q address derived from the wallet at its index', async () => {
    const user = await newUser();
    const { createDepositAddress } = await run(adminA(), CreateDepositAddressDocument, {
      userId: user.id,
      asset: 'BTC',
    });
    expect(createDepositAddress.address).toMatch(/^bc1q[02-9ac-hj-np-z]{38}$/);
    const [row] = await addressRows('"userId" = $1', [user.id]);
    expect(createDepositAddress.address).toBe(p2wpkhAddress(BTC_XPUB, row.derivationIndex));
  });

  it('ETH and USDT_ETH are on one chain: one address serves both', async () => {
    const user = await newUser();
    const eth = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'ETH' }))
      .createDepositAddress;
    const usdt = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'USDT_ETH' }))
      .createDepositAddress;
    expect(eth).toMatchObject({ asset: 'ETH', chain: 'ethereum', userId: user.id });
    expect(usdt).toMatchObject({ asset: 'USDT_ETH', chain: 'ethereum', userId: user.id });
    expect(usdt.address).toBe(eth.address);
    expect(eth.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const rows = await addressRows('"userId" = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ walletId: wallets.ethereum, chain: 'ethereum', state: 'DEPOSIT' });
    expect(eth.address).toBe(evmAddress(ETH_XPUB, rows[0].derivationIndex));
  });

  it('USDT_ETH first, then ETH: still one address', async () => {
    const user = await newUser();
    const usdt = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'USDT_ETH' }))
      .createDepositAddress;
    const eth = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'ETH' }))
      .createDepositAddress;
    expect(eth.address).toBe(usdt.address);
    expect(await count(db.url, 'Address', '"userId" = $1', [user.id])).toBe(1);
  });

  it('one user has one address per chain: BTC and ETH differ, each permanent', async () => {
    const user = await newUser();
    const btc = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }))
      .createDepositAddress;
    const eth = (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'ETH' }))
      .createDepositAddress;
    expect(btc.chain).toBe('bitcoin');
    expect(eth.chain).toBe('ethereum');
    const rows = await addressRows('"userId" = $1', [user.id]);
    expect(rows.map((r) => [r.chain, r.address, r.state])).toEqual([
      ['bitcoin', btc.address, 'DEPOSIT'],
      ['ethereum', eth.address, 'DEPOSIT'],
    ]);
  });

  it('different users get different addresses', async () => {
    const users = [await newUser(), await newUser(), await newUser()];
    const addresses = [];
    for (const user of users)
      addresses.push(
        (await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'ETH' }))
          .createDepositAddress.address,
      );
    expect(new Set(addresses).size).toBe(3);
  });

  it('10 concurrent first calls for one user and asset: one address, one row', async () => {
    const user = await newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }),
      ),
    );
    const addresses = new Set(results.map((r) => r.createDepositAddress.address));
    expect(addresses.size).toBe(1);
    const rows = await addressRows('"userId" = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'DEPOSIT', address: [...addresses][0] });
  });

  it('10 concurrent first calls mixing ETH and USDT_ETH: one address', async () => {
    const user = await newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: i % 2 ? 'ETH' : 'USDT_ETH' }),
      ),
    );
    expect(new Set(results.map((r) => r.createDepositAddress.address)).size).toBe(1);
    expect(await count(db.url, 'Address', '"userId" = $1', [user.id])).toBe(1);
  });

  it('concurrent first calls for 8 different users: 8 distinct addresses, each held once', async () => {
    const users = [];
    for (let i = 0; i < 8; i++) users.push(await newUser());
    const results = await Promise.all(
      users.map((user) => run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' })),
    );
    expect(new Set(results.map((r) => r.createDepositAddress.address)).size).toBe(8);
    const rows = await addressRows('"userId" = ANY($1::uuid[])', [users.map((u) => u.id)]);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.state === 'DEPOSIT')).toBe(true);
  });

  it('derives a new address when the pool has no free one left', async () => {
    // Simulate a pool drained by a burst: every free BTC address is taken.
    const drained = await sql<{ id: string }>(
      db.url,
      `UPDATE "Address" SET state = 'USED' WHERE "walletId" = $1 AND state = 'FREE' RETURNING id`,
      [wallets.bitcoin],
    );
    try {
      const [{ nextIndex }] = await sql<{ nextIndex: number }>(
        db.url,
        'SELECT "nextIndex" FROM "Wallet" WHERE id = $1',
        [wallets.bitcoin],
      );
      const user = await newUser();
      const { createDepositAddress } = await run(adminA(), CreateDepositAddressDocument, {
        userId: user.id,
        asset: 'BTC',
      });
      expect(createDepositAddress.address).toBe(p2wpkhAddress(BTC_XPUB, nextIndex));
      const [row] = await addressRows('"userId" = $1', [user.id]);
      expect(row).toMatchObject({ derivationIndex: nextIndex, state: 'DEPOSIT', walletId: wallets.bitcoin });
      const again = await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' });
      expect(again.createDepositAddress.address).toBe(createDepositAddress.address);
    } finally {
      await sql(db.url, `UPDATE "Address" SET state = 'FREE' WHERE id = ANY($1::uuid[])`, [
        drained.map((r) => r.id),
      ]);
    }
  });
});

describe('refusals', () => {
  it('UNKNOWN_ASSET for an asset that is not configured, and nothing is taken', async () => {
    const user = await newUser();
    const before = await count(db.url, 'Address', `state = 'FREE'`);
    for (const asset of ['DOGE', 'NOPE', '']) {
      const error = await expectCode(
        run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset }),
        'UNKNOWN_ASSET',
      );
      expect(error.message).toContain(asset);
    }
    expect(await count(db.url, 'Address', '"userId" = $1', [user.id])).toBe(0);
    expect(await count(db.url, 'Address', `state = 'FREE'`)).toBe(before);
  });

  it('NO_WALLET for a configured asset whose chain has no wallet in the store', async () => {
    const user = await newUser();
    // bitcoin-cash is configured, but store A has no wallet for it.
    await expectCode(
      run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BCH' }),
      'NO_WALLET',
    );
    // Store B has no wallet at all, not even for the chains store A has.
    const userB = await newUser(adminB());
    await expectCode(
      run(adminB(), CreateDepositAddressDocument, { userId: userB.id, asset: 'BTC' }),
      'NO_WALLET',
    );
    await expectCode(
      run(adminB(), CreateDepositAddressDocument, { userId: userB.id, asset: 'ETH' }),
      'NO_WALLET',
    );
    expect(await count(db.url, 'Address', '"userId" = ANY($1::uuid[])', [[user.id, userB.id]])).toBe(0);
  });

  it("NOT_FOUND for another store's user (never that user's address)", async () => {
    const userA = await newUser();
    const { createDepositAddress } = await run(adminA(), CreateDepositAddressDocument, {
      userId: userA.id,
      asset: 'BTC',
    });
    const raw = await postRaw(
      kassa.graphqlUrl,
      storeB.apiKey.secret,
      'mutation($u: ID!) { createDepositAddress(userId: $u, asset: "BTC") { address } }',
      { u: userA.id },
    );
    expect(codes(raw.body)).toEqual(['NOT_FOUND']);
    expect(raw.text).not.toContain(createDepositAddress.address);
    // Nor for a store-A user that has no address yet: store B's request takes nothing from A's pool.
    const fresh = await newUser();
    await expectCode(
      run(adminB(), CreateDepositAddressDocument, { userId: fresh.id, asset: 'ETH' }),
      'NOT_FOUND',
    );
    expect(await count(db.url, 'Address', '"userId" = $1', [fresh.id])).toBe(0);
  });

  it('NOT_FOUND for an unknown user id', async () => {
    await expectCode(
      run(adminA(), CreateDepositAddressDocument, {
        userId: '00000000-0000-4000-8000-000000000000',
        asset: 'BTC',
      }),
      'NOT_FOUND',
    );
  });

  it('NOT_FOUND (not an internal error) for a user id that is not a UUID', async () => {
    const raw = await postRaw(
      kassa.graphqlUrl,
      storeA.apiKey.secret,
      'mutation { createDepositAddress(userId: "not-a-uuid", asset: "BTC") { address } }',
    );
    expect(codes(raw.body)).toEqual(['NOT_FOUND']);
  });

  it('needs users:write: users:read, invoices:write and a user token are FORBIDDEN', async () => {
    const user = await newUser();
    for (const scopes of [['users:read'], ['invoices:write', 'invoices:read']]) {
      const key = await keyWithScopes(kassa.graphqlUrl, storeA.apiKey.secret, scopes);
      await expectCode(
        run(client(kassa.graphqlUrl, key), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }),
        'FORBIDDEN',
      );
    }
    const { createUserToken } = await run(adminA(), CreateUserTokenDocument, {
      userId: user.id,
      ttlSeconds: 600,
    });
    await expectCode(
      run(client(kassa.graphqlUrl, createUserToken.token), CreateDepositAddressDocument, {
        userId: user.id,
        asset: 'BTC',
      }),
      'FORBIDDEN',
    );
    await expectCode(
      run(client(kassa.graphqlUrl), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' }),
      'UNAUTHENTICATED',
    );
    expect(await count(db.url, 'Address', '"userId" = $1', [user.id])).toBe(0);
  });
});

describe('deposit addresses and invoices', () => {
  it('a DEPOSIT address is never handed to an invoice, before or after invoices close', async () => {
    const owner = await newUser();
    const btc = (await run(adminA(), CreateDepositAddressDocument, { userId: owner.id, asset: 'BTC' }))
      .createDepositAddress;
    const eth = (await run(adminA(), CreateDepositAddressDocument, { userId: owner.id, asset: 'ETH' }))
      .createDepositAddress;
    const deposits = (await addressRows(`state = 'DEPOSIT'`, [])).map((r) => r.address);
    expect(deposits).toEqual(expect.arrayContaining([btc.address, eth.address]));

    const invoiceAddresses: string[] = [];
    const invoiceIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { createInvoice } = await run(adminA(), UsersCreateInvoiceDocument, {
        // Some invoices for the deposit owner, some for nobody: neither may get a deposit address.
        input: { price: '10', currency: 'EUR', ...(i % 2 ? { userId: owner.id } : {}) },
      });
      invoiceIds.push(createInvoice.id);
      expect(createInvoice.paymentMethods.map((m) => m.asset).sort()).toEqual(['BTC', 'ETH', 'USDT_ETH']);
      for (const method of createInvoice.paymentMethods) invoiceAddresses.push(method.address);
    }
    for (const address of deposits) expect(invoiceAddresses).not.toContain(address);

    // Close every invoice by hand: their addresses go back to the pool (EVM) and are reused...
    for (const id of invoiceIds) {
      const res = await postRaw(
        kassa.graphqlUrl,
        storeA.apiKey.secret,
        'mutation($id: ID!) { markInvoice(id: $id, status: INVALID) { id status } }',
        { id },
      );
      expect(res.body.errors).toBeUndefined();
    }
    // ...but the deposit addresses stay where they are.
    const after = await addressRows('address = ANY($1)', [deposits]);
    expect(after).toHaveLength(deposits.length);
    for (const row of after) {
      expect(row.state).toBe('DEPOSIT');
      expect(row.invoiceId).toBeNull();
      expect(row.userId).not.toBeNull();
    }
    for (let i = 0; i < 6; i++) {
      const { createInvoice } = await run(adminA(), UsersCreateInvoiceDocument, {
        input: { price: '5', currency: 'EUR', userId: owner.id },
      });
      for (const method of createInvoice.paymentMethods) expect(deposits).not.toContain(method.address);
    }
    // No address row is both a deposit and an invoice's.
    expect(await count(db.url, 'Address', `state = 'DEPOSIT' AND "invoiceId" IS NOT NULL`)).toBe(0);
    expect(
      await count(
        db.url,
        'PaymentMethod',
        `address IN (SELECT address FROM "Address" WHERE state = 'DEPOSIT')`,
      ),
    ).toBe(0);
  });

  it('a deposit address taken while invoices hold addresses is not one of theirs', async () => {
    const { createInvoice } = await run(adminA(), UsersCreateInvoiceDocument, {
      input: { price: '20', currency: 'EUR' },
    });
    const held = createInvoice.paymentMethods.map((m) => m.address);
    const user = await newUser();
    const btc = await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'BTC' });
    const eth = await run(adminA(), CreateDepositAddressDocument, { userId: user.id, asset: 'ETH' });
    expect(held).not.toContain(btc.createDepositAddress.address);
    expect(held).not.toContain(eth.createDepositAddress.address);
    const rows = await addressRows('address = ANY($1)', [held]);
    expect(rows.every((r) => r.state === 'INVOICE' && r.invoiceId === createInvoice.id)).toBe(true);
  });

  it('concurrent invoices and deposit addresses never share an address', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await newUser());
    const [invoices, deposits] = await Promise.all([
      Promise.all(
        Array.from({ length: 6 }, () =>
          run(adminA(), UsersCreateInvoiceDocument, {
            input: { price: '1', currency: 'EUR', assets: ['BTC', 'ETH'] },
          }),
        ),
      ),
      Promise.all(
        users.flatMap((u) => [
          run(adminA(), CreateDepositAddressDocument, { userId: u.id, asset: 'BTC' }),
          run(adminA(), CreateDepositAddressDocument, { userId: u.id, asset: 'ETH' }),
        ]),
      ),
    ]);
    const invoiceAddresses = invoices.flatMap((r) => r.createInvoice.paymentMethods.map((m) => m.address));
    const depositAddresses = deposits.map((r) => r.createDepositAddress.address);
    expect(new Set(depositAddresses).size).toBe(12);
    expect(new Set(invoiceAddresses).size).toBe(12);
    for (const address of depositAddresses) expect(invoiceAddresses).not.toContain(address);
  });
});
