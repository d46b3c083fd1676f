import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JournalEntriesDocument,
  type JournalEntryFilter,
  LedgerBalancesDocument,
  LedgerBalanceUpdatedDocument,
} from '../graphql/generated/graphql.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { subscribeSse, subscribeWs } from '../support/subscriptions.ts';
import {
  ChainDriver,
  insertInvoice,
  type LedgerStore,
  type LedgerWorld,
  seedLedgerStore,
  seedUser,
  startLedgerWorld,
} from './support.ts';

let world: LedgerWorld;
let chain: ChainDriver;
let store: LedgerStore;
let other: LedgerStore;
let alice: Awaited<ReturnType<typeof seedUser>>;
let bob: Awaited<ReturnType<typeof seedUser>>;
let aliceDeposit: string;

const api = (key?: string) => client(world.kassa.graphqlUrl, key);

beforeAll(async () => {
  world = await startLedgerWorld();
  chain = new ChainDriver(world.services);
  store = await seedLedgerStore(world.services, 'Books');
  other = await seedLedgerStore(world.services, 'Other store');
  alice = await seedUser(world.services, store.id, 'alice');
  bob = await seedUser(world.services, store.id, 'bob');
  aliceDeposit = await chain.detect({ storeId: store.id, userId: alice.id, amount: 250_000n });
  await chain.mine([aliceDeposit]);
  await chain.detect({ storeId: store.id, userId: alice.id, amount: 1_000n });
  await chain.detect({ storeId: store.id, userId: bob.id, amount: 5n, asset: 'ETH' });
  // Alice's invoice: its entries concern her but post to store accounts only.
  const invoiceId = await insertInvoice(world.sql, {
    storeId: store.id,
    userId: alice.id,
    methods: [{ asset: 'BTC', amountDue: 9_000n, rate: '60000' }],
  });
  await chain.detect({ storeId: store.id, invoiceId, amount: 9_000n });
  await chain.detect({ storeId: other.id, amount: 42n });
});

afterAll(async () => {
  await world?.stop();
});

describe('ledgerBalances', () => {
  it('gives a ledger:read key every account of its store, positive on the normal side', async () => {
    const { ledgerBalances } = await run(api(store.ledgerKey), LedgerBalancesDocument, { filter: null });
    const shown = ledgerBalances.map((b) => [
      b.account.code,
      b.asset,
      b.account.userExternalId,
      b.pending,
      b.confirmed,
    ]);
    expect(shown).toEqual([
      ['WALLET', 'BTC', null, '10000', '250000'],
      ['WALLET', 'ETH', null, '5', '0'],
      ['USER_BALANCE', 'BTC', 'alice', '1000', '250000'],
      ['USER_BALANCE', 'ETH', 'bob', '5', '0'],
      ['INVOICE_RECEIPTS', 'BTC', null, '9000', '0'],
    ]);
    expect(ledgerBalances[0]).toMatchObject({
      total: '260000',
      decimals: 8,
      account: { normalSide: 'DEBIT' },
    });
    expect(ledgerBalances[2].account.normalSide).toBe('CREDIT');
  });

  it('filters by user, account, asset and account id', async () => {
    const key = api(store.ledgerKey);
    const byUser = await run(key, LedgerBalancesDocument, { filter: { userId: alice.id } });
    expect(byUser.ledgerBalances.map((b) => [b.account.code, b.total])).toEqual([['USER_BALANCE', '251000']]);
    const wallets = await run(key, LedgerBalancesDocument, { filter: { account: 'WALLET', asset: 'ETH' } });
    expect(wallets.ledgerBalances.map((b) => b.total)).toEqual(['5']);
    const one = await run(key, LedgerBalancesDocument, {
      filter: { accountId: wallets.ledgerBalances[0].account.id },
    });
    expect(one.ledgerBalances).toHaveLength(1);
  });

  it('gives a user token its own balances only, and refuses another user’s', async () => {
    const own = await run(api(alice.token), LedgerBalancesDocument, { filter: null });
    expect(own.ledgerBalances.map((b) => [b.account.code, b.account.userId, b.confirmed])).toEqual([
      ['USER_BALANCE', alice.id, '250000'],
    ]);
    await expectCode(
      run(api(alice.token), LedgerBalancesDocument, { filter: { userId: bob.id } }),
      'FORBIDDEN',
    );
  });

  it('refuses keys without ledger:read and callers without credentials; never shows another store', async () => {
    await expectCode(run(api(store.noLedgerKey), LedgerBalancesDocument, { filter: null }), 'FORBIDDEN');
    await expectCode(run(api(), LedgerBalancesDocument, { filter: null }), 'UNAUTHENTICATED');
    const theirs = await run(api(other.ledgerKey), LedgerBalancesDocument, { filter: { userId: alice.id } });
    expect(theirs.ledgerBalances).toEqual([]);
    const all = await run(api(other.ledgerKey), LedgerBalancesDocument, { filter: null });
    expect(all.ledgerBalances.map((b) => [b.account.code, b.total])).toEqual([
      ['WALLET', '42'],
      ['UNATTRIBUTED', '42'],
    ]);
  });
});

describe('journalEntries', () => {
  it('pages through the store’s journal, newest first, each entry balanced', async () => {
    const key = api(store.ledgerKey);
    const first = await run(key, JournalEntriesDocument, { first: 3 });
    expect(first.journalEntries.edges).toHaveLength(3);
    expect(first.journalEntries.pageInfo.hasNextPage).toBe(true);
    const rest = await run(key, JournalEntriesDocument, {
      first: 50,
      after: first.journalEntries.pageInfo.endCursor,
    });
    const all = [...first.journalEntries.edges, ...rest.journalEntries.edges].map((e) => e.node);
    expect(all.map((e) => e.kind)).toEqual([
      'PAYMENT_DETECTED',
      'DEPOSIT_DETECTED',
      'DEPOSIT_DETECTED',
      'DEPOSIT_CONFIRMED',
      'DEPOSIT_DETECTED',
    ]);
    const ids = all.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    for (const entry of all) {
      expect(entry.lines.reduce((s, l) => s + BigInt(l.amount), 0n)).toBe(0n);
      expect(entry.lines.reduce((s, l) => s + BigInt(l.debit) - BigInt(l.credit), 0n)).toBe(0n);
    }
    const confirmed = all.find((e) => e.kind === 'DEPOSIT_CONFIRMED')!;
    expect(confirmed).toMatchObject({
      status: 'CONFIRMED',
      asset: 'BTC',
      amount: '250000',
      fiatCurrency: 'EUR',
      rate: '60000',
      fiatValue: '150',
      userId: alice.id,
      payment: { status: 'CONFIRMED' },
    });
    expect(confirmed.lines.map((l) => [l.account.code, l.part, l.amount, l.fiatValue])).toEqual([
      ['WALLET', 'PENDING', '-250000', '-150'],
      ['WALLET', 'CONFIRMED', '250000', '150'],
      ['USER_BALANCE', 'PENDING', '250000', '150'],
      ['USER_BALANCE', 'CONFIRMED', '-250000', '-150'],
    ]);
  });

  it('filters by account, asset, status, user, payment and date range', async () => {
    const key = api(store.ledgerKey);
    const kinds = async (filter: JournalEntryFilter) =>
      (await run(key, JournalEntriesDocument, { first: 50, filter })).journalEntries.edges.map(
        (e) => e.node.kind,
      );
    expect(await kinds({ account: 'INVOICE_RECEIPTS' })).toEqual(['PAYMENT_DETECTED']);
    expect(await kinds({ asset: 'ETH' })).toEqual(['DEPOSIT_DETECTED']);
    expect(await kinds({ status: ['CONFIRMED'] })).toEqual(['DEPOSIT_CONFIRMED']);
    expect(await kinds({ userId: alice.id })).toEqual([
      'PAYMENT_DETECTED',
      'DEPOSIT_DETECTED',
      'DEPOSIT_CONFIRMED',
      'DEPOSIT_DETECTED',
    ]);
    expect(await kinds({ paymentId: aliceDeposit })).toEqual(['DEPOSIT_CONFIRMED', 'DEPOSIT_DETECTED']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await kinds({ from: future })).toEqual([]);
    expect(await kinds({ to: future, asset: 'ETH' })).toEqual(['DEPOSIT_DETECTED']);
  });

  it('gives a user token only entries that post to its own accounts', async () => {
    const own = await run(api(alice.token), JournalEntriesDocument, { first: 50 });
    // Not the invoice payment: that posts to the store's accounts, not to hers.
    expect(own.journalEntries.edges.map((e) => e.node.kind)).toEqual([
      'DEPOSIT_DETECTED',
      'DEPOSIT_CONFIRMED',
      'DEPOSIT_DETECTED',
    ]);
    await expectCode(
      run(api(alice.token), JournalEntriesDocument, { filter: { userId: bob.id } }),
      'FORBIDDEN',
    );
    await expectCode(run(api(store.noLedgerKey), JournalEntriesDocument, { first: 50 }), 'FORBIDDEN');
    const theirs = await run(api(other.ledgerKey), JournalEntriesDocument, { filter: { userId: alice.id } });
    expect(theirs.journalEntries.edges).toEqual([]);
  });
});

describe('ledgerBalanceUpdated', () => {
  it('sends the user’s balances now and after each posting (SSE, user token)', async () => {
    const sub = subscribeSse(
      world.kassa.graphqlUrl,
      LedgerBalanceUpdatedDocument,
      { userId: bob.id },
      bob.token,
    );
    try {
      const now = await sub.next();
      expect(now.ledgerBalanceUpdated.map((b) => [b.asset, b.pending, b.confirmed])).toEqual([
        ['ETH', '5', '0'],
      ]);
      await chain.detect({ storeId: store.id, userId: bob.id, amount: 700n });
      const next = await sub.next(10_000);
      expect(next.ledgerBalanceUpdated.map((b) => [b.asset, b.pending, b.confirmed])).toEqual([
        ['BTC', '700', '0'],
        ['ETH', '5', '0'],
      ]);
    } finally {
      await sub.close();
    }
  });

  it('over graphql-ws with a ledger:read key; refused for another user’s token or another store', async () => {
    const sub = subscribeWs(
      world.kassa.wsUrl,
      LedgerBalanceUpdatedDocument,
      { userId: alice.id },
      store.ledgerKey,
    );
    try {
      expect((await sub.next()).ledgerBalanceUpdated.map((b) => b.total)).toEqual(['251000']);
    } finally {
      await sub.close();
    }
    const foreign = subscribeSse(
      world.kassa.graphqlUrl,
      LedgerBalanceUpdatedDocument,
      { userId: alice.id },
      bob.token,
    );
    await expect(foreign.next()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await foreign.close();
    const otherStore = subscribeSse(
      world.kassa.graphqlUrl,
      LedgerBalanceUpdatedDocument,
      { userId: alice.id },
      other.ledgerKey,
    );
    await expect(otherStore.next()).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await otherStore.close();
  });
});
