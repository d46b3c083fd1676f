import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchersCreateInvoiceDocument } from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import { type KassaProcess, spawnKassa } from '../support/kassa.ts';
import { payEth, payToken } from './support/evm-pay.ts';
import { until, waitForInvoice } from './support/evm-wait.ts';
import {
  CHAIN,
  duplicatePaymentKeys,
  ETH_DUE,
  type EvmStore,
  type EvmWorld,
  PRICE_EUR,
  paymentRows,
  seedEvmStore,
  startEvmWorld,
  USDT_DUE,
  waitForCursor,
} from './support/evm-world.ts';

let world: EvmWorld;
let api: KassaProcess | undefined;
const workers: KassaProcess[] = [];
let store: EvmStore;

beforeAll(async () => {
  world = await startEvmWorld();
  const env = { KASSA_CHAINS_CONFIG: world.chainsFile(), KASSA_DB_POOL_SIZE: '5' };
  api = await spawnKassa(world.db.url, 'api', env);
  const [a, b] = await Promise.all([
    spawnKassa(world.db.url, 'worker', env),
    spawnKassa(world.db.url, 'worker', env),
  ]);
  workers.push(a, b);
  store = await seedEvmStore(world, api.graphqlUrl!);
  await waitForCursor(world.pool);
});

afterAll(async () => {
  await Promise.all([api, ...workers].map((p) => p?.stop()));
  await world?.stop();
});

describe('two worker processes watching one chain on one database', () => {
  it('record each of many payments exactly once, and the cursor follows the node’s chain block by block', async () => {
    const count = 16;
    const invoices: Array<{ id: string; address: string; asset: 'ETH' | 'USDT_ETH' }> = [];
    for (let i = 0; i < count; i++) {
      const asset = i % 2 === 0 ? 'ETH' : 'USDT_ETH';
      const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
        input: { price: PRICE_EUR, currency: 'EUR', assets: [asset] },
      });
      invoices.push({ id: createInvoice.id, address: createInvoice.paymentMethods[0].address, asset });
    }
    const txids: Hex[] = [];
    for (const invoice of invoices) {
      txids.push(
        invoice.asset === 'ETH'
          ? await payEth(world.anvil, invoice.address, ETH_DUE)
          : await payToken(world.anvil, world.usdt, invoice.address, USDT_DUE),
      );
    }
    await world.anvil.mine(1);

    for (const [i, invoice] of invoices.entries()) {
      const settled = await waitForInvoice(
        store.admin,
        invoice.id,
        (v) => v.status === 'SETTLED',
        `SETTLED (#${i})`,
      );
      expect(settled.exceptionStatus).toBe('NONE');
      expect(settled.payments.map((p) => [p.txid, p.asset, p.status])).toEqual([
        [txids[i], invoice.asset, 'CONFIRMED'],
      ]);
    }
    for (const txid of txids) expect(await paymentRows(world.pool, txid), txid).toHaveLength(1);
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    const { rows: detected } = await world.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Event"
       WHERE payload->>'type' = 'invoice.payment_detected' AND topic LIKE 'invoice:%'`,
    );
    expect(detected[0].n).toBe(count);

    // The cursor is at the node's tip, and every recorded block links to the one below it.
    const tip = Number(await world.anvil.publicClient.getBlockNumber());
    const cursor = await waitForCursor(world.pool, tip);
    expect(cursor.height).toBe(tip);
    const { rows: blocks } = await world.pool.query<{ height: number; hash: string; prevHash: string }>(
      'SELECT height, hash, "prevHash" FROM "ChainBlock" WHERE chain = $1 ORDER BY height',
      [CHAIN],
    );
    expect(blocks.at(-1)).toMatchObject({ height: cursor.height, hash: cursor.hash });
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i].height, `block after ${blocks[i - 1].height}`).toBe(blocks[i - 1].height + 1);
      expect(blocks[i].prevHash, `parent of ${blocks[i].height}`).toBe(blocks[i - 1].hash);
    }
    for (const block of blocks) {
      const onNode = await world.anvil.publicClient.getBlock({ blockNumber: BigInt(block.height) });
      expect(block.hash, `hash at ${block.height}`).toBe(onNode.hash);
    }
    expect(blocks.length).toBeGreaterThanOrEqual(count + 1);

    // Both workers are up and neither logged a failed watch.
    for (const worker of workers) {
      expect(worker.child.exitCode).toBeNull();
      const failures = worker.logs.filter((l) => /chain node unavailable|job failed/.test(l));
      expect(failures).toEqual([]);
    }
  });

  it('when the worker that is watching stops, the other one takes over within seconds', async () => {
    const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
      input: { price: PRICE_EUR, currency: 'EUR', assets: ['ETH'] },
    });
    // Which worker holds the watch job: the one that logs reaching the tip after a new block.
    const marks = workers.map((w) => w.logs.length);
    await world.anvil.mine(1);
    const watching = await until(
      async () =>
        workers.find((w, i) => w.logs.slice(marks[i]).some((l) => l.includes('chain watcher is at the tip'))),
      'a worker reporting the new block',
    );
    const other = workers.find((w) => w !== watching)!;
    expect(await watching.stop()).toBe(0);

    const txid = await payEth(world.anvil, createInvoice.paymentMethods[0].address, ETH_DUE);
    await world.anvil.mine(1);
    const settled = await waitForInvoice(
      store.admin,
      createInvoice.id,
      (v) => v.status === 'SETTLED',
      'SETTLED, recorded by the remaining worker',
    );
    expect(settled.payments.map((p) => p.txid)).toEqual([txid]);
    expect(other.child.exitCode).toBeNull();
  });
});
