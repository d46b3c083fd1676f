import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus } from '../../src/events/event-bus.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let pool: pg.Pool;
let listener: pg.Client;
const received: number[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Dropping the database at the end ends idle connections; that is not a failure.
  pool.on('error', () => {});
  listener = new pg.Client({ connectionString: db.url });
  listener.on('error', () => {});
  await listener.connect();
  listener.on('notification', () => received.push(performance.now()));
  await listener.query('LISTEN kassa_events');
});

afterAll(async () => {
  await listener?.end();
  await pool?.end();
  await db?.drop();
});

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

it('sends far fewer NOTIFYs than commits in a stream of commits', async () => {
  const bus = new EventBus(pool, db.url, createLogger('silent', 'test'));
  received.length = 0;
  // 300 commits, each in a tick of its own, as the commits of concurrent requests arrive.
  for (let i = 0; i < 300; i++) {
    bus.notifyCommitted();
    await nextTick();
  }
  await settle();
  expect(received.length).toBeGreaterThan(0);
  // One NOTIFY per commit was the old cost; at most one per round trip is the rule now.
  expect(received.length).toBeLessThan(100);
});

it('sends exactly one more NOTIFY for the commits made while one is in flight', async () => {
  // A pool of one connection, held here: the first NOTIFY waits for it, in flight as far as
  // the bus can tell, while more commits come in.
  const one = new pg.Pool({ connectionString: db.url, max: 1 });
  one.on('error', () => {});
  const held = await one.connect();
  try {
    const bus = new EventBus(one, db.url, createLogger('silent', 'test'));
    received.length = 0;
    bus.notifyCommitted();
    await nextTick();
    for (let i = 0; i < 5; i++) {
      bus.notifyCommitted();
      await nextTick();
    }
    expect(received.length).toBe(0);
  } finally {
    held.release();
  }
  await settle();
  // Not one per commit (6), and not only the first (the later commits' hint would be lost).
  expect(received.length).toBe(2);
  await one.end();
});
