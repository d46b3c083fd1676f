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
  listener = new pg.Client({ connectionString: db.url });
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

it('sends one more NOTIFY for a commit made while one is in flight', async () => {
  const bus = new EventBus(pool, db.url, createLogger('silent', 'test'));
  received.length = 0;
  bus.notifyCommitted();
  // The first NOTIFY is on its way (sent on the next tick, answered a round trip later).
  await nextTick();
  await nextTick();
  const committed = performance.now();
  bus.notifyCommitted();
  await settle();
  expect(received.length).toBe(2);
  expect(received[1]).toBeGreaterThan(committed);
});
