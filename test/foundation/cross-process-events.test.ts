import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUpdatedDocument, UpdateStoreDocument } from '../graphql/generated/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type KassaProcess, seedStore, spawnKassa } from '../support/kassa.ts';
import { subscribeSse, subscribeWs } from '../support/subscriptions.ts';

let db: TestDatabase;
let apiA: KassaProcess;
let apiB: KassaProcess;
let worker: KassaProcess;

beforeAll(async () => {
  // An empty database: the three processes race to migrate it at start-up.
  db = await createTestDatabase({ migrated: false });
  [apiA, apiB, worker] = await Promise.all([
    spawnKassa(db.url, 'api'),
    spawnKassa(db.url, 'api'),
    spawnKassa(db.url, 'worker'),
  ]);
}, 60_000);

afterAll(async () => {
  const codes = await Promise.all([apiA?.stop(), apiB?.stop(), worker?.stop()]);
  await db?.drop();
  // Graceful shutdown: every process exits 0 on SIGTERM.
  expect(codes).toEqual([0, 0, 0]);
});

describe('two api processes and a worker on one Postgres', () => {
  it('applied each migration exactly once although three processes started together', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query<{ migration_name: string; n: number }>(
      'SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1',
    );
    await c.end();
    const onDisk = readdirSync('prisma/migrations', { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(rows).toHaveLength(onDisk.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const appliedLogs = [apiA, apiB, worker].flatMap((p) =>
      p.logs.filter((l) => l.includes('applied migration')),
    );
    expect(appliedLogs).toHaveLength(onDisk.length);
  });

  it('delivers an event committed through one api process to graphql-ws and SSE subscribers of the other', async () => {
    const { apiKey, store } = await seedStore(db.url, 'Before');
    const ws = subscribeWs(apiA.wsUrl!, StoreUpdatedDocument, {}, apiKey.secret);
    const sse = subscribeSse(apiA.graphqlUrl!, StoreUpdatedDocument, {}, apiKey.secret);
    try {
      // Each subscriber starts with the current state...
      expect((await ws.next()).storeUpdated).toEqual({ id: store.id, name: 'Before' });
      expect((await sse.next()).storeUpdated).toEqual({ id: store.id, name: 'Before' });
      // ...then sees a change committed by the other api process.
      await run(client(apiB.graphqlUrl!, apiKey.secret), UpdateStoreDocument, { input: { name: 'After' } });
      expect((await ws.next()).storeUpdated).toEqual({ id: store.id, name: 'After' });
      expect((await sse.next()).storeUpdated).toEqual({ id: store.id, name: 'After' });
    } finally {
      await ws.close();
      await sse.close();
    }
  });

  it("keeps one store's events from another store's subscribers", async () => {
    const one = await seedStore(db.url, 'One');
    const two = await seedStore(db.url, 'Two');
    const watchingTwo = subscribeWs(apiA.wsUrl!, StoreUpdatedDocument, {}, two.apiKey.secret);
    try {
      expect((await watchingTwo.next()).storeUpdated.name).toBe('Two');
      await run(client(apiB.graphqlUrl!, one.apiKey.secret), UpdateStoreDocument, {
        input: { name: 'One!' },
      });
      await run(client(apiB.graphqlUrl!, two.apiKey.secret), UpdateStoreDocument, {
        input: { name: 'Two!' },
      });
      // The first event this subscriber sees is its own store's, not store One's.
      expect((await watchingTwo.next()).storeUpdated).toEqual({ id: two.store.id, name: 'Two!' });
    } finally {
      await watchingTwo.close();
    }
  });

  it('refuses subscriptions without a key, or with a revoked or unknown key', async () => {
    const anonymous = subscribeWs(apiA.wsUrl!, StoreUpdatedDocument, {});
    await expect(anonymous.next()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await anonymous.close();
    const unknown = subscribeSse(apiA.graphqlUrl!, StoreUpdatedDocument, {}, 'kassa_sk_deadbeef_x');
    await expect(unknown.next()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await unknown.close();
  });
});
