import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKassa } from '../support/kassa.ts';
import { duplicatePaymentKeys, eventsOn, waitForCursorAt, waitForPayment } from './support/utxo-rows.ts';
import { type SlowProxy, startSlowProxy } from './support/utxo-slow-proxy.ts';
import { Clock, type UtxoInvoice, waitForInvoice } from './support/utxo-wait.ts';
import {
  createBtcInvoice,
  seedUtxoStore,
  startUtxoKassa,
  startUtxoWorld,
  UTXO_BACKENDS,
  type UtxoStore,
  type UtxoWorld,
} from './support/utxo-world.ts';

/*
 * Timing: payments after the deadline, payments made in time but recorded late, and a payment
 * that lands while a watcher pass is between two of its reads.
 */

/** Invoice event types that tell the story of a payment, in the order they were committed. */
const STORY = new Set([
  'invoice.created',
  'invoice.payment_detected',
  'invoice.payment_confirmed',
  'invoice.paid_partial',
  'invoice.paid_over',
  'invoice.paid_late',
  'invoice.processing',
  'invoice.settled',
  'invoice.expired',
  'invoice.invalid',
]);

describe.each(UTXO_BACKENDS)(
  'When a Bitcoin payment is made and when the watcher sees it, over %s',
  { timeout: 90_000 },
  (kind) => {
    let world: UtxoWorld;
    let kassa: RunningKassa;
    let store: UtxoStore;
    /** Kassa reaches the node through it (no delay), so that a test can hold one request back. */
    let proxy: SlowProxy;
    const clock = new Clock();

    const sim = () => world.btc.sim;
    /** Mines `n` blocks and waits until the watcher has recorded them (state is then settled). */
    async function mine(n = 1): Promise<string[]> {
      const hashes = await sim().mine(n);
      await waitForCursorAt(world.pool, sim().tip());
      return hashes;
    }
    const story = async (invoiceId: string) =>
      (await eventsOn(world.pool, `invoice:${invoiceId}`)).map((e) => e.type).filter((t) => STORY.has(t));
    const onlyPayment = (invoice: UtxoInvoice) => {
      expect(invoice.payments).toHaveLength(1);
      return invoice.payments[0];
    };

    beforeAll(async () => {
      world = await startUtxoWorld(kind);
      proxy = await startSlowProxy(world.nodeUrl, 0);
      ({ kassa } = await startUtxoKassa(world, { now: clock.now, nodeUrl: proxy.url }));
      store = await seedUtxoStore(world, kassa.graphqlUrl);
      // The watcher starts at the tip it first sees: pay only once it stands there.
      await waitForCursorAt(world.pool, sim().tip());
    });

    afterEach(async () => {
      clock.reset();
      expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    });

    afterAll(async () => {
      await kassa?.stop();
      await proxy?.stop();
      await world?.stop();
    });

    it('paid after the deadline: EXPIRED, then PROCESSING with PAID_LATE, then SETTLED', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      clock.set(new Date(Date.parse(invoice.expiresAt) + 1000));
      const expired = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'EXPIRED', 'EXPIRED');
      expect(expired.exceptionStatus).toBe('NONE');

      const txid = await sim().pay(address, due);
      const late = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status === 'PROCESSING',
        'PROCESSING after the deadline',
      );
      expect(late.exceptionStatus).toBe('PAID_LATE');
      expect(onlyPayment(late)).toMatchObject({ txid, status: 'PENDING' });
      expect(Date.parse(onlyPayment(late).seenAt)).toBeGreaterThan(Date.parse(invoice.expiresAt));

      await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('PAID_LATE');
      expect(await story(invoice.id)).toEqual([
        'invoice.created',
        'invoice.expired',
        'invoice.payment_detected',
        'invoice.paid_late',
        'invoice.processing',
        'invoice.payment_confirmed',
        'invoice.settled',
      ]);
    });

    it('a payment mined before the deadline but recorded after it (node down meanwhile): counted in time, SETTLED without PAID_LATE', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      await world.btc.setDown(true, 'refuse');
      try {
        // Paid and mined well before the deadline, while the watcher cannot reach its node.
        const txid = await sim().pay(address, due);
        const [block] = await sim().mine(1);
        expect(sim().block(block)!.time * 1000).toBeLessThan(Date.parse(invoice.expiresAt));

        // The deadline passes before the watcher learns anything.
        clock.set(new Date(Date.parse(invoice.expiresAt) + 60_000));
        await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'EXPIRED', 'EXPIRED');

        await world.btc.setDown(false);
        await waitForCursorAt(world.pool, sim().tip(), 60_000);
        await waitForPayment(world.pool, txid, (p) => p.blockHash === block, 'recorded from its block');
      } finally {
        await world.btc.setDown(false);
      }
      // Rule 3/5 of the lifecycle: what matters is when the payment was made, not when the watcher
      // noticed; a rescan that finds an in-time payment makes the invoice as if paid in time.
      const read = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status !== 'EXPIRED',
        'not EXPIRED',
      );
      const { seenAt } = onlyPayment(read);
      expect(
        { status: read.status, exceptionStatus: read.exceptionStatus },
        `payment seenAt ${seenAt}, invoice expiresAt ${invoice.expiresAt}`,
      ).toEqual({ status: 'SETTLED', exceptionStatus: 'NONE' });
    });

    it('an invoice paid while a watcher pass has loaded its watched addresses but not yet read the mempool: still seen in the mempool', async () => {
      // An open invoice, so that an Esplora pass asks for some address's mempool too.
      await createBtcInvoice(store.admin, '500');
      let arrived!: () => void;
      const asked = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      proxy.hold = ({ path, body }) => {
        const mempoolListing =
          kind === 'bitcoind' ? body.includes('"getrawmempool"') : path.endsWith('/txs/mempool');
        if (!mempoolListing) return undefined;
        proxy.hold = undefined;
        arrived();
        return released;
      };
      try {
        // The pass has loaded the addresses it watches and asks the node for its mempool; the
        // invoice is created and paid just then, before the node answers.
        await asked;
        const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
        const txid = await sim().pay(address, due);
        release();
        const seen = await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
        expect(seen).toMatchObject({ invoiceId: invoice.id, status: 'PENDING', blockHash: null });
      } finally {
        proxy.hold = undefined;
        release();
        await mine();
      }
    });
  },
);
