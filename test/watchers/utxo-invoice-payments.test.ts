import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UtxoCreateDepositAddressDocument, UtxoCreateUserDocument } from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import {
  duplicatePaymentKeys,
  eventsOn,
  paymentsOfInvoice,
  paymentsOfTx,
  waitForCursorAt,
  waitForPayment,
} from './support/utxo-rows.ts';
import { readInvoice, type UtxoInvoice, waitForInvoice } from './support/utxo-wait.ts';
import {
  createBtcInvoice,
  seedUtxoStore,
  startUtxoKassa,
  startUtxoWorld,
  UTXO_BACKENDS,
  type UtxoStore,
  type UtxoWorld,
} from './support/utxo-world.ts';

/** Invoice event types that tell the story of a payment, in the order they were committed. */
const STORY = new Set([
  'invoice.created',
  'invoice.payment_detected',
  'invoice.payment_confirmed',
  'invoice.paid_partial',
  'invoice.paid_over',
  'invoice.processing',
  'invoice.settled',
  'invoice.invalid',
]);

describe.each(UTXO_BACKENDS)(
  'Bitcoin invoices paid on chain, watched over %s',
  { timeout: 90_000 },
  (kind) => {
    let world: UtxoWorld;
    let kassa: RunningKassa;
    let store: UtxoStore;

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
      ({ kassa } = await startUtxoKassa(world));
      store = await seedUtxoStore(world, kassa.graphqlUrl);
      // The watcher starts at the tip it first sees: pay only once it stands there.
      await waitForCursorAt(world.pool, sim().tip());
    });

    afterEach(async () => {
      expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    });

    afterAll(async () => {
      await kassa?.stop();
      await world?.stop();
    });

    it('500 EUR paid exactly: PROCESSING with a PENDING payment at 0 conf from the mempool, SETTLED at 1 confirmation', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      expect(due).toBe(833_334n);
      const txid = await sim().pay(address, due);

      const processing = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status === 'PROCESSING',
        'PROCESSING from the mempool',
      );
      expect(processing.exceptionStatus).toBe('NONE');
      expect(processing.paidPercent).toBe('100');
      expect(processing.paymentMethods[0]).toMatchObject({ amountPaid: String(due), amountRemaining: '0' });
      expect(onlyPayment(processing)).toMatchObject({
        chain: 'bitcoin',
        txid,
        outputIndex: 0,
        asset: 'BTC',
        address,
        amount: String(due),
        status: 'PENDING',
        confirmations: 0,
        requiredConfirmations: 1,
        confirmedAt: null,
      });
      const [unmined] = await paymentsOfTx(world.pool, txid);
      expect(unmined).toMatchObject({ blockHash: null, blockHeight: null, signalsRbf: false });

      const [blockHash] = await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('NONE');
      expect(onlyPayment(settled)).toMatchObject({ txid, status: 'CONFIRMED', confirmations: 1 });
      expect(onlyPayment(settled).confirmedAt).not.toBeNull();
      const rows = await paymentsOfTx(world.pool, txid);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ blockHash, blockHeight: sim().height, invoiceId: invoice.id });

      expect(await story(invoice.id)).toEqual([
        'invoice.created',
        'invoice.payment_detected',
        'invoice.processing',
        'invoice.payment_confirmed',
        'invoice.settled',
      ]);
    });

    it('20 EUR without RBF: CONFIRMED at 0 confirmations and SETTLED straight from the mempool (≤ 50 EUR tier)', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '20');
      expect(due).toBe(33_334n);
      const txid = await sim().pay(address, due);

      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(onlyPayment(settled)).toMatchObject({
        txid,
        status: 'CONFIRMED',
        confirmations: 0,
        requiredConfirmations: 0,
      });
      expect((await paymentsOfTx(world.pool, txid))[0]).toMatchObject({ blockHash: null, signalsRbf: false });
      expect(await story(invoice.id)).toEqual([
        'invoice.created',
        'invoice.payment_detected',
        'invoice.payment_confirmed',
        'invoice.processing',
        'invoice.settled',
      ]);

      await mine();
      const mined = await readInvoice(store.admin, invoice.id);
      expect(mined.status).toBe('SETTLED');
      expect(onlyPayment(mined)).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    });

    it('20 EUR signalling RBF: the 0-conf tier does not apply, it needs 1 confirmation', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '20');
      const txid = await sim().pay(address, due, { rbf: true });

      const processing = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.payments.length > 0,
        'the payment seen in the mempool',
      );
      expect(processing.status).toBe('PROCESSING');
      expect(onlyPayment(processing)).toMatchObject({
        txid,
        status: 'PENDING',
        confirmations: 0,
        requiredConfirmations: 1,
      });
      expect((await paymentsOfTx(world.pool, txid))[0].signalsRbf).toBe(true);

      await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(onlyPayment(settled)).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    });

    it('2,000 EUR: above every tier it needs 3 confirmations, counted block by block', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '2000');
      expect(due).toBe(3_333_334n);
      const txid = await sim().pay(address, due);
      await waitForPayment(world.pool, txid, (p) => p.status === 'PENDING', 'seen in the mempool');

      for (const depth of [1, 2]) {
        await mine();
        const read = await readInvoice(store.admin, invoice.id);
        expect(read.status, `after ${depth} block(s)`).toBe('PROCESSING');
        expect(onlyPayment(read)).toMatchObject({
          status: 'PENDING',
          confirmations: depth,
          requiredConfirmations: 3,
        });
      }
      await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(onlyPayment(settled)).toMatchObject({ status: 'CONFIRMED', confirmations: 3 });
    });

    it('paid in two transactions: PAID_PARTIAL with what remains, then PROCESSING with the rest, then SETTLED', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const first = 300_000n;
      const firstTxid = await sim().pay(address, first);

      const partial = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.exceptionStatus === 'PAID_PARTIAL',
        'PAID_PARTIAL',
      );
      expect(partial.status).toBe('NEW');
      expect(partial.paymentMethods[0]).toMatchObject({
        amountPaid: String(first),
        amountRemaining: String(due - first),
      });
      expect(onlyPayment(partial)).toMatchObject({
        txid: firstTxid,
        status: 'PENDING',
        amount: String(first),
      });

      const secondTxid = await sim().pay(address, due - first);
      const processing = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status === 'PROCESSING',
        'PROCESSING',
      );
      expect(processing.exceptionStatus).toBe('NONE');
      expect(processing.paymentMethods[0]).toMatchObject({ amountPaid: String(due), amountRemaining: '0' });
      expect(processing.payments.map((p) => p.txid).sort()).toEqual([firstTxid, secondTxid].sort());

      await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.payments.map((p) => p.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
      expect(await story(invoice.id)).toEqual([
        'invoice.created',
        'invoice.payment_detected',
        'invoice.paid_partial',
        'invoice.payment_detected',
        'invoice.processing',
        'invoice.payment_confirmed',
        'invoice.payment_confirmed',
        'invoice.settled',
      ]);
    });

    it('two outputs of one transaction to the invoice address: two payments, one per output', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const half = due / 2n;
      const txid = await sim().payMany([
        { address, amountSats: half },
        { address, amountSats: due - half },
      ]);

      const processing = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status === 'PROCESSING',
        'PROCESSING',
      );
      expect(
        processing.payments.map((p) => [p.txid, p.outputIndex, p.amount]).sort((a, b) => +a[1] - +b[1]),
      ).toEqual([
        [txid, 0, String(half)],
        [txid, 1, String(due - half)],
      ]);

      await mine();
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      const rows = await paymentsOfInvoice(world.pool, invoice.id);
      expect(rows.map((r) => [r.outputIndex, r.status])).toEqual([
        [0, 'CONFIRMED'],
        [1, 'CONFIRMED'],
      ]);
    });

    it('overpaid: PROCESSING with PAID_OVER, then SETTLED keeping it', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      await sim().pay(address, due + 50_000n);

      const processing = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.status === 'PROCESSING',
        'PROCESSING',
      );
      expect(processing.exceptionStatus).toBe('PAID_OVER');
      expect(processing.paymentMethods[0]).toMatchObject({
        amountPaid: String(due + 50_000n),
        amountRemaining: '0',
      });
      expect(Number(processing.paidPercent)).toBeGreaterThan(100);

      await mine();
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('PAID_OVER');
    });

    it("a user's deposit: a Payment of the user, deposit.detected from the mempool, deposit.confirmed once mined", async () => {
      const { createUser } = await run(store.admin, UtxoCreateUserDocument, {
        input: { externalId: `investor-${kind}` },
      });
      const { createDepositAddress } = await run(store.admin, UtxoCreateDepositAddressDocument, {
        userId: createUser.id,
        asset: 'BTC',
      });
      expect(createDepositAddress).toMatchObject({ asset: 'BTC', chain: 'bitcoin', userId: createUser.id });
      // 0.001 BTC is 60 EUR at the current rate: the 1-confirmation tier.
      const txid = await sim().pay(createDepositAddress.address, 100_000n);

      const pending = await waitForPayment(world.pool, txid, () => true, 'the deposit seen in the mempool');
      expect(pending).toMatchObject({
        userId: createUser.id,
        invoiceId: null,
        address: createDepositAddress.address,
        amount: '100000',
        status: 'PENDING',
        confirmations: 0,
        requiredConfirmations: 1,
        blockHash: null,
      });
      const topic = `user-deposits:${createUser.id}`;
      expect(await eventsOn(world.pool, topic)).toEqual([
        { type: 'deposit.detected', paymentId: pending.id },
      ]);

      await mine();
      const confirmed = await waitForPayment(world.pool, txid, (p) => p.status === 'CONFIRMED', 'CONFIRMED');
      expect(confirmed).toMatchObject({ id: pending.id, confirmations: 1, blockHeight: sim().height });
      expect(await eventsOn(world.pool, topic)).toEqual([
        { type: 'deposit.detected', paymentId: pending.id },
        { type: 'deposit.confirmed', paymentId: pending.id },
      ]);
      expect((await eventsOn(world.pool, `store-deposits:${store.id}`)).map((e) => e.type)).toEqual([
        'deposit.detected',
        'deposit.confirmed',
      ]);
    });
  },
);
