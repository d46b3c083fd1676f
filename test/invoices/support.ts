import { Writable } from 'node:stream';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { pino } from 'pino';
import { AddWalletDocument } from '../graphql/generated/graphql.ts';
import { TEST_MNEMONIC } from '../support/chains.ts';
import { testPool } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore } from '../support/kassa.ts';
import { pollUntil } from '../support/poll-until.ts';

/** Published vectors of the test mnemonic (BIP84, BIP49, BIP44, BIP86, Ethereum BIP44). */
export const VECTORS = {
  /** BIP84 account 0 as published in BIP84. */
  bip84Zpub:
    'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs',
  bip84First: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
  bip84Second: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
  bip49First: '37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf',
  bip44First: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA',
  bip86First: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
  bchFirst: 'bitcoincash:qqyx49mu0kkn9ftfj6hje6g2wfer34yfnq5tahq3q6',
  ethFirst: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94',
  ethSecond: '0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0',
} as const;

/** SLIP-132 / BIP32 version bytes, to serialize one key under several prefixes. */
export const VERSIONS = {
  xpub: { public: 0x0488b21e, private: 0x0488ade4 },
  ypub: { public: 0x049d7cb2, private: 0x049d7878 },
  zpub: { public: 0x04b24746, private: 0x04b2430c },
  tpub: { public: 0x043587cf, private: 0x04358394 },
} as const;

const root = HDKey.fromMasterSeed(mnemonicToSeedSync(TEST_MNEMONIC));

/** The test mnemonic's key at `path`, serialized with `versions` (xpub/xprv by default). */
export function hdKeyAt(path: string, versions: { public: number; private: number } = VERSIONS.xpub): HDKey {
  const key = root.derive(path);
  return new HDKey({
    versions,
    depth: key.depth,
    index: key.index,
    parentFingerprint: key.parentFingerprint,
    chainCode: key.chainCode!,
    privateKey: key.privateKey!,
  });
}

/** Account-level extended public key at `path` with the given version. */
export function pubAt(path: string, versions: { public: number; private: number } = VERSIONS.xpub): string {
  return hdKeyAt(path, versions).publicExtendedKey;
}

/** A clock the app reads through `startKassa(..., { now })`; tests move it. */
export class Clock {
  t: Date;
  constructor(start = new Date()) {
    this.t = start;
  }
  readonly now = (): Date => this.t;
  set(at: Date): void {
    this.t = at;
  }
  advanceMs(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** Polls `condition` until it returns a truthy value, failing after `timeoutMs`. */
export function until<T>(
  condition: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  return pollUntil(condition, what, { timeoutMs });
}

/** An invoice's status as the database holds it, without going through Kassa. */
export function invoiceStatus(pool: pg.Pool, invoiceId: string): Promise<string | undefined> {
  return scalar<string>(pool, 'SELECT status::text FROM "Invoice" WHERE id = $1', [invoiceId]);
}

/** Plain SQL against the test database (proofs that do not go through Kassa's own code). */
export function sqlPool(url: string): pg.Pool {
  return testPool(url, 3);
}

export async function scalar<T = number>(pool: pg.Pool, text: string, values: unknown[] = []): Promise<T> {
  const { rows } = await pool.query(text, values);
  return Object.values(rows[0])[0] as T;
}

/**
 * Everything a refused create or addWallet must leave untouched. Background refills only ever
 * add FREE addresses, so they are not part of it.
 */
export async function writeSnapshot(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM "Invoice")::int AS invoices,
    (SELECT count(*) FROM "PaymentMethod")::int AS methods,
    (SELECT count(*) FROM "Event")::int AS events,
    (SELECT count(*) FROM "Wallet")::int AS wallets,
    (SELECT count(*) FROM "Address" WHERE state <> 'FREE')::int AS "takenAddresses",
    (SELECT count(*) FROM pgboss.job WHERE name = 'invoice.deadline')::int AS "deadlineJobs",
    (SELECT count(*) FROM "WebhookDelivery")::int AS "webhookDeliveries"`);
  return rows[0] as Record<string, number>;
}

/** Makes a queued deadline job (`<invoice id>:monitoring`: the end of monitoring) due now, by the database clock. */
export async function makeDeadlineDue(pool: pg.Pool, singletonKey: string): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE pgboss.job SET start_after = now()
     WHERE name = 'invoice.deadline' AND singleton_key = $1 AND state IN ('created', 'retry')`,
    [singletonKey],
  );
  return rowCount ?? 0;
}

/** States of an invoice's deadline jobs (pg-boss 12: pgboss.job). */
export async function deadlineJobStates(pool: pg.Pool, singletonKey: string): Promise<string[]> {
  const { rows } = await pool.query<{ state: string }>(
    `SELECT state::text FROM pgboss.job WHERE name = 'invoice.deadline' AND singleton_key = $1 ORDER BY created_on`,
    [singletonKey],
  );
  return rows.map((r) => r.state);
}

export async function countEvents(pool: pg.Pool, invoiceId: string, type: string): Promise<number> {
  return scalar(pool, `SELECT count(*)::int FROM "Event" WHERE topic = $1 AND payload->>'type' = $2`, [
    `invoice:${invoiceId}`,
    type,
  ]);
}

export interface TestStore {
  id: string;
  secret: string;
  api: GraphQLClient;
}

/**
 * A store with an admin key and, when `account` is given, a BIP84 bitcoin wallet and an
 * Ethereum wallet of that account of the test mnemonic (account 0: the published vectors).
 * Distinct accounts keep stores' addresses apart (an address is unique per chain).
 */
export async function makeStore(
  kassa: RunningKassa,
  databaseUrl: string,
  name: string,
  account?: number,
): Promise<TestStore> {
  const seeded = await seedStore(databaseUrl, name);
  const api = client(kassa.graphqlUrl, seeded.apiKey.secret);
  if (account !== undefined) {
    await run(api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt(`m/84'/0'/${account}'`), scriptType: 'p2wpkh' },
    });
    await run(api, AddWalletDocument, {
      input: { chain: 'ethereum', extendedKey: pubAt(`m/44'/60'/${account}'`) },
    });
  }
  return { id: seeded.store.id, secret: seeded.apiKey.secret, api };
}

/** A pino logger whose lines the test can read (to see what happened on which path). */
export function capturingLogger(level: 'info' | 'warn' = 'warn') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
