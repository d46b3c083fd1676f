import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expireDueInvoices } from '../../src/app/expire-due-invoices.ts';
import { CreateInvoiceDocument, InvoiceDocument } from '../graphql/generated/graphql.ts';
import { TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import { Clock, invoiceStatus, makeStore, scalar, sqlPool, type TestStore } from './support.ts';

// A Postgres whose time zone is not UTC (an embedded cluster takes the laptop's zone at initdb).
// Kassa writes some timestamps with node-postgres and reads them with Prisma, and the two agree
// only if every Kassa session runs in UTC.
let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;
let store: TestStore;
const clock = new Clock();

beforeAll(async () => {
  db = await createTestDatabase();
  sql = sqlPool(db.url);
  await sql.query(`ALTER DATABASE "${db.name}" SET timezone TO 'America/New_York'`);
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH }, { now: clock.now });
  store = await makeStore(kassa, db.url, 'New York store', 0);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

it('keeps invoice times exact on a database in another time zone, and expires by them', async () => {
  clock.set(new Date('2030-06-01T12:00:00.000Z'));
  const api = client(kassa.graphqlUrl, store.secret);
  const { createInvoice } = await run(api, CreateInvoiceDocument, {
    input: { price: '10', currency: 'EUR', expirationMinutes: 30 },
  });
  expect(createInvoice.createdAt).toBe('2030-06-01T12:00:00.000Z');
  expect(createInvoice.expiresAt).toBe('2030-06-01T12:30:00.000Z');
  // The moment Postgres holds, whatever zone it shows it in.
  expect(
    await scalar<string>(
      sql,
      `SELECT to_char("expiresAt" AT TIME ZONE 'UTC', 'HH24:MI') FROM "Invoice" WHERE id = $1`,
      [createInvoice.id],
    ),
  ).toBe('12:30');
  const { invoice } = await run(api, InvoiceDocument, { id: createInvoice.id });
  expect(invoice).toMatchObject({
    createdAt: createInvoice.createdAt,
    expiresAt: createInvoice.expiresAt,
    monitoringEndsAt: createInvoice.monitoringEndsAt,
  });

  // A minute before the deadline nothing is due; at the deadline it expires.
  clock.set(new Date('2030-06-01T12:29:00.000Z'));
  expect((await expireDueInvoices(kassa.app.services!)).changed).toBe(0);
  expect(await invoiceStatus(sql, createInvoice.id)).toBe('NEW');
  clock.set(new Date('2030-06-01T12:30:00.000Z'));
  await expireDueInvoices(kassa.app.services!);
  expect(await invoiceStatus(sql, createInvoice.id)).toBe('EXPIRED');
});
