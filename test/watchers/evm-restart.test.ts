import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchersCreateInvoiceDocument } from '../graphql/generated/graphql.ts';
import { client, run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import { payEth } from './support/evm-pay.ts';
import { waitForInvoice } from './support/evm-wait.ts';
import {
  duplicatePaymentKeys,
  ETH_DUE,
  type EvmStore,
  type EvmWorld,
  PRICE_EUR,
  paymentRows,
  seedEvmStore,
  startEvmKassa,
  startEvmWorld,
  waitForCursor,
} from './support/evm-world.ts';

let world: EvmWorld;
let first: RunningKassa | undefined;
let second: RunningKassa | undefined;
let store: EvmStore;

beforeAll(async () => {
  world = await startEvmWorld();
  first = await startEvmKassa(world);
  store = await seedEvmStore(world, first.graphqlUrl);
  await waitForCursor(world.pool);
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await world?.stop();
});

describe('a watcher restart', () => {
  it('stopped while payments arrive, paid while down: the new process rescans from the cursor and records each payment once', async () => {
    const invoices: Array<{ id: string; address: string }> = [];
    for (let i = 0; i < 6; i++) {
      const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
        input: { price: PRICE_EUR, currency: 'EUR', assets: ['ETH'] },
      });
      invoices.push({ id: createInvoice.id, address: createInvoice.paymentMethods[0].address });
    }
    const txids: Hex[] = [];
    const pay = async (i: number) => {
      txids[i] = await payEth(world.anvil, invoices[i].address, ETH_DUE);
    };

    await pay(0);
    await waitForInvoice(store.admin, invoices[0].id, (i) => i.status === 'PROCESSING', 'PROCESSING');

    // Stop while payments keep coming in; some may be recorded before the watcher lets go.
    const running = first!;
    first = undefined;
    const stopped = running.stop();
    await pay(1);
    await pay(2);
    await stopped;
    const cursorWhenStopped = await waitForCursor(world.pool);

    // Paid while nothing watches, then buried a little.
    await pay(3);
    await pay(4);
    await pay(5);
    await world.anvil.mine(2);
    const paidWhileDown = await Promise.all(txids.slice(3).map((t) => paymentRows(world.pool, t)));
    expect(paidWhileDown.flat()).toEqual([]);
    expect((await waitForCursor(world.pool)).height).toBe(cursorWhenStopped.height);

    second = await startEvmKassa(world);
    const admin = client(second.graphqlUrl, store.secret);
    for (const [i, invoice] of invoices.entries()) {
      const settled = await waitForInvoice(
        admin,
        invoice.id,
        (v) => v.status === 'SETTLED',
        `SETTLED (#${i})`,
      );
      expect(settled.exceptionStatus).toBe('NONE');
      expect(settled.payments.map((p) => [p.txid, p.status])).toEqual([[txids[i], 'CONFIRMED']]);
    }
    for (const txid of txids) expect(await paymentRows(world.pool, txid), txid).toHaveLength(1);
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    const { rows: detected } = await world.pool.query(
      `SELECT payload->>'invoiceId' AS id, count(*)::int AS n FROM "Event"
       WHERE payload->>'type' = 'invoice.payment_detected' AND topic LIKE 'invoice:%' GROUP BY 1`,
    );
    expect(detected).toHaveLength(invoices.length);
    expect(detected.every((r) => r.n === 1)).toBe(true);

    const tip = Number(await world.anvil.publicClient.getBlockNumber());
    const cursor = await waitForCursor(world.pool, tip);
    expect(cursor.hash).toBe((await world.anvil.publicClient.getBlock({ blockNumber: BigInt(tip) })).hash);
  });
});
