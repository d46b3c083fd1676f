import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChainsConfig } from '../../src/chains/chains-config.ts';
import { WatchersCreateInvoiceDocument } from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import { payEth } from './support/evm-pay.ts';
import { startTcpProxy, type TcpProxy } from './support/evm-proxy.ts';
import { until, waitForInvoice } from './support/evm-wait.ts';
import {
  CHAIN,
  ETH_DUE,
  type EvmStore,
  type EvmWorld,
  evmChainsJson,
  PRICE_EUR,
  paymentRows,
  seedEvmStore,
  startEvmKassa,
  startEvmWorld,
  waitForCursor,
} from './support/evm-world.ts';

let world: EvmWorld;
let proxy: TcpProxy;
let kassa: RunningKassa;
let store: EvmStore;
const logs: Array<{ msg?: string; chain?: string; err?: string }> = [];

beforeAll(async () => {
  world = await startEvmWorld();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: world.anvil.port });
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      callback();
    },
  });
  kassa = await startEvmKassa(world, {
    chains: parseChainsConfig(evmChainsJson(proxy.url, world.usdt)),
    logger: pino({ level: 'info' }, stream),
  });
  store = await seedEvmStore(world, kassa.graphqlUrl);
  await waitForCursor(world.pool);
});

afterAll(async () => {
  await kassa?.stop();
  await proxy?.close();
  await world?.stop();
});

async function chainStatus() {
  const { rows } = await world.pool.query<{
    nodeError: string | null;
    nodeErrorSince: Date | null;
    height: number | null;
    tipHeight: number | null;
  }>('SELECT "nodeError", "nodeErrorSince", height, "tipHeight" FROM "ChainStatus" WHERE chain = $1', [
    CHAIN,
  ]);
  return rows[0];
}

describe('the chain node goes away and comes back', () => {
  it('records the outage (ChainStatus.nodeError, a log line), then finds the payment made meanwhile', async () => {
    const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
      input: { price: PRICE_EUR, currency: 'EUR', assets: ['ETH'] },
    });
    const address = createInvoice.paymentMethods[0].address;
    await until(async () => (await chainStatus())?.nodeError === null, 'a healthy ChainStatus');

    await proxy.down();
    const failing = await until(async () => {
      const status = await chainStatus();
      return status?.nodeError ? status : undefined;
    }, 'ChainStatus.nodeError');
    expect(failing.nodeErrorSince).toBeInstanceOf(Date);
    await until(
      async () => logs.some((l) => l.msg?.includes('chain node unavailable') && l.chain === CHAIN),
      'the log line "chain node unavailable"',
    );

    // Paid on the node itself while Kassa cannot reach it.
    const txid = await payEth(world.anvil, address, ETH_DUE);
    await world.anvil.mine(1);
    const stillFailing = await chainStatus();
    expect(stillFailing.nodeError).not.toBeNull();
    expect(stillFailing.nodeErrorSince).toEqual(failing.nodeErrorSince);
    expect(await paymentRows(world.pool, txid)).toEqual([]);

    await proxy.up();
    // The watcher retries with exponential backoff (1 s, 2 s, 4 s, ... after each failure), so
    // its next attempt may be several seconds away: a wider bound than the usual 15 s.
    const settled = await waitForInvoice(
      store.admin,
      createInvoice.id,
      (i) => i.status === 'SETTLED',
      'SETTLED',
      30_000,
    );
    expect(settled.payments).toEqual([
      expect.objectContaining({ txid, status: 'CONFIRMED', confirmations: 2 }),
    ]);
    expect(await paymentRows(world.pool, txid)).toHaveLength(1);

    const healthy = await until(async () => {
      const status = await chainStatus();
      return status?.nodeError === null ? status : undefined;
    }, 'ChainStatus.nodeError cleared');
    expect(healthy.nodeErrorSince).toBeNull();
    expect(healthy.height).toBe(healthy.tipHeight);
    expect(logs.some((l) => l.msg === 'chain node answers again' && l.chain === CHAIN)).toBe(true);
  });
});
