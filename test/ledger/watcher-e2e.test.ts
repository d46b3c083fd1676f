import { networks } from 'bitcoinjs-lib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWallet } from '../../src/app/add-wallet.ts';
import { createDepositAddress } from '../../src/app/create-deposit-address.ts';
import { parseChainsConfig } from '../../src/chains/chains-config.ts';
import { JournalEntriesDocument, LedgerBalancesDocument } from '../graphql/generated/graphql.ts';
import { type StartedBitcoinSimulator, startBitcoinSimulator } from '../support/bitcoin-simulator/index.ts';
import { BTC_XPUB } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { pollUntil } from '../support/poll-until.ts';
import { csvObjects } from './csv.ts';
import { checkLedger } from './invariants.ts';
import { type LedgerStore, seedLedgerStore, seedUser } from './support.ts';

/*
 * Done-when of the ledger issue: a user's balance through a detected, confirmed and then
 * reorged payment reads correctly at each step through GraphQL and CSV, with the real Bitcoin
 * watcher following the regtest simulator over JSON-RPC.
 */

let db: TestDatabase;
let btc: StartedBitcoinSimulator;
let kassa: RunningKassa;
let sql: pg.Pool;
let store: LedgerStore;
let user: Awaited<ReturnType<typeof seedUser>>;
let address: string;

beforeAll(async () => {
  db = await createTestDatabase();
  btc = await startBitcoinSimulator({ network: networks.bitcoin });
  const chains = parseChainsConfig({
    chains: {
      bitcoin: {
        family: 'utxo',
        coin: 'bitcoin',
        network: 'mainnet',
        backend: { kind: 'bitcoind', url: btc.rpcUrl },
        pollIntervalSeconds: 0.2,
        reversalDepth: 3,
      },
    },
    assets: { BTC: { chain: 'bitcoin', decimals: 8, confirmations: { confirmations: 1 } } },
    rates: { providers: [{ kind: 'fixed', rates: { 'BTC/EUR': '60000' } }] },
  });
  kassa = await startKassa(db.url, { KASSA_ROLE: 'all' }, { chains });
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const services = kassa.app.services!;
  store = await seedLedgerStore(services, 'Token sale');
  await addWallet(services, store.id, { chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wpkh' });
  user = await seedUser(services, store.id, 'investor-42');
  address = (await createDepositAddress(services, store.id, user.id, 'BTC')).address.address;
  // The watcher has found the tip before anything is paid.
  await until(
    async () => (await sql.query('SELECT 1 FROM "ChainCursor"')).rowCount === 1,
    'the bitcoin cursor',
  );
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await btc?.stop();
  await db?.drop();
});

function until<T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  return pollUntil(check, what, { timeoutMs, pollMs: 50 });
}

/** The user's BTC balance as their own token reads it over GraphQL. */
async function graphqlBalance() {
  const { ledgerBalances } = await run(client(kassa.graphqlUrl, user.token), LedgerBalancesDocument, {
    filter: null,
  });
  const btcBalance = ledgerBalances.find((b) => b.asset === 'BTC');
  return { pending: btcBalance?.pending ?? '0', confirmed: btcBalance?.confirmed ?? '0' };
}

/** The same balance in the merchant's CSV export. */
async function csvBalance() {
  const response = await fetch(`${kassa.url}/reports/balances.csv?user_id=${user.id}`, {
    headers: { authorization: `Bearer ${store.ledgerKey}` },
  });
  const [row] = csvObjects(await response.text());
  return { pending: row?.pending_smallest_units ?? '0', confirmed: row?.confirmed_smallest_units ?? '0' };
}

async function reaches(expected: { pending: string; confirmed: string }, what: string) {
  await until(async () => {
    const now = await graphqlBalance();
    return now.pending === expected.pending && now.confirmed === expected.confirmed;
  }, what);
  expect(await graphqlBalance()).toEqual(expected);
  expect(await csvBalance()).toEqual(expected);
}

describe('a deposit followed by the real watcher', () => {
  it('reads correctly through GraphQL and CSV when detected, confirmed, reorged and confirmed again', async () => {
    const txid = await btc.sim.pay(address, 150_000n);
    await reaches({ pending: '150000', confirmed: '0' }, 'the deposit detected in the mempool');

    await btc.sim.mine(1);
    await reaches({ pending: '0', confirmed: '150000' }, 'the deposit confirmed');

    // The block is disconnected: the transaction is back in the mempool, unconfirmed.
    await btc.sim.rewind(1);
    await reaches({ pending: '150000', confirmed: '0' }, 'the deposit unconfirmed by the reorg');

    await btc.sim.mine(1);
    await reaches({ pending: '0', confirmed: '150000' }, 'the deposit confirmed again');

    const { journalEntries } = await run(client(kassa.graphqlUrl, user.token), JournalEntriesDocument, {
      first: 10,
    });
    expect(journalEntries.edges.map((e) => e.node.kind).reverse()).toEqual([
      'DEPOSIT_DETECTED',
      'DEPOSIT_CONFIRMED',
      'DEPOSIT_UNCONFIRMED',
      'DEPOSIT_CONFIRMED',
    ]);
    expect(journalEntries.edges.every((e) => e.node.payment?.txid === txid)).toBe(true);

    const journal = csvObjects(
      await (
        await fetch(`${kassa.url}/reports/journal.csv?user_id=${user.id}`, {
          headers: { authorization: `Bearer ${store.ledgerKey}` },
        })
      ).text(),
    );
    expect(new Set(journal.map((r) => r.txid))).toEqual(new Set([txid]));
    expect(
      journal.filter((r) => r.account === 'USER_BALANCE').map((r) => `${r.part} ${r.amount_smallest_units}`),
    ).toEqual([
      'PENDING -150000',
      'PENDING 150000',
      'CONFIRMED -150000',
      'PENDING -150000',
      'CONFIRMED 150000',
      'PENDING 150000',
      'CONFIRMED -150000',
    ]);
    await checkLedger(sql);
  });
});
