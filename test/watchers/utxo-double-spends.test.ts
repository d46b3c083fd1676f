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
import { readInvoice, waitForInvoice } from './support/utxo-wait.ts';
import {
  createBtcInvoice,
  seedUtxoStore,
  startUtxoKassa,
  startUtxoWorld,
  UTXO_BACKENDS,
  type UtxoStore,
  type UtxoWorld,
} from './support/utxo-world.ts';

describe.each(UTXO_BACKENDS)(
  'Bitcoin double-spends and RBF, watched over %s',
  { timeout: 90_000 },
  (kind) => {
    let world: UtxoWorld;
    let kassa: RunningKassa;
    let store: UtxoStore;

    const sim = () => world.btc.sim;
    async function mine(n = 1): Promise<string[]> {
      const hashes = await sim().mine(n);
      await waitForCursorAt(world.pool, sim().tip());
      return hashes;
    }
    const eventTypes = async (invoiceId: string) =>
      (await eventsOn(world.pool, `invoice:${invoiceId}`)).map((e) => e.type);

    beforeAll(async () => {
      world = await startUtxoWorld(kind);
      ({ kassa } = await startUtxoKassa(world));
      store = await seedUtxoStore(world, kassa.graphqlUrl);
      await waitForCursorAt(world.pool, sim().tip());
    });

    afterEach(async () => {
      expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
      // Nothing left for the next test's blocks to pick up.
      if (sim().mempoolTxids().length > 0) await mine(1);
    });

    afterAll(async () => {
      await kassa?.stop();
      await world?.stop();
    });

    it('an unconfirmed payment double-spent by a block (mineConflicting): REVERSED with replacedByTxid, the PROCESSING invoice INVALID', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const txid = await sim().pay(address, due);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'PROCESSING', 'PROCESSING');

      const doubleSpend = await sim().doubleSpend(txid, undefined, { into: 'aside' });
      const block = await sim().mineConflicting(doubleSpend);
      expect(sim().txStatus(txid)).toEqual({ confirmed: false, inMempool: false });
      await waitForCursorAt(world.pool, sim().tip());

      const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(reversed).toMatchObject({ replacedByTxid: doubleSpend, blockHash: null });
      const invalid = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
      expect(invalid.payments).toEqual([expect.objectContaining({ txid, status: 'REVERSED' })]);
      expect((await eventTypes(invoice.id)).filter((t) => t === 'invoice.invalid')).toHaveLength(1);
      expect(sim().txStatus(doubleSpend)).toMatchObject({ confirmed: true, blockHash: block });
    });

    it('a double-spend through the mempool, then mined: REVERSED with replacedByTxid, the invoice INVALID', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const txid = await sim().pay(address, due);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'PROCESSING', 'PROCESSING');

      // Core ≥ 28 relays full-RBF replacements: the rival evicts the payment from the mempool.
      const doubleSpend = await sim().doubleSpend(txid);
      expect(sim().mempoolTxids()).toEqual([doubleSpend]);
      await waitForPayment(
        world.pool,
        txid,
        (p) => p.missingSinceHeight !== null,
        'found missing from the mempool',
      );

      await mine(1);
      const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(reversed.replacedByTxid).toBe(doubleSpend);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
    });

    it('a double-spend that pays the invoice address too: the old payment REVERSED, the replacement recorded and counted', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const txid = await sim().pay(address, due);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'PROCESSING', 'PROCESSING');

      // The rival sends all of the inputs (coinbase coins, far more than due) to the invoice address.
      const rival = await sim().doubleSpend(txid, address);
      const [old] = await paymentsOfTx(world.pool, txid);
      const replaced = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(replaced).toMatchObject({ id: old.id, replacedByTxid: rival });
      const [replacement] = await paymentsOfTx(world.pool, rival);
      expect(replacement).toMatchObject({ invoiceId: invoice.id, outputIndex: 0, status: 'PENDING' });
      expect(BigInt(replacement.amount)).toBeGreaterThan(due);
      // Worth about 300,000 EUR: above every tier, the replacement needs 3 confirmations.
      expect(replacement.requiredConfirmations).toBe(3);

      const over = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.exceptionStatus === 'PAID_OVER',
        'PAID_OVER',
      );
      expect(over.status).toBe('PROCESSING');
      await mine(3);
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('PAID_OVER');
      expect(await eventTypes(invoice.id)).not.toContain('invoice.invalid');
    });

    it('partial payments double-spent one by one: the invoice goes back to PAID_PARTIAL with the other, then to NEW', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const first = await sim().pay(address, 200_000n);
      const second = await sim().pay(address, 300_000n);
      await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.exceptionStatus === 'PAID_PARTIAL' && i.payments.length === 2,
        'PAID_PARTIAL with both payments',
      );

      const rivalOfFirst = await sim().doubleSpend(first, undefined, { into: 'aside' });
      await sim().mineConflicting(rivalOfFirst);
      await waitForPayment(world.pool, first, (p) => p.status === 'REVERSED', 'the first REVERSED');
      const partial = await readInvoice(store.admin, invoice.id);
      expect(partial).toMatchObject({ status: 'NEW', exceptionStatus: 'PAID_PARTIAL' });
      expect(partial.paymentMethods[0]).toMatchObject({
        amountPaid: '300000',
        amountRemaining: String(due - 300_000n),
      });

      const rivalOfSecond = await sim().doubleSpend(second, undefined, { into: 'aside' });
      await sim().mineConflicting(rivalOfSecond);
      await waitForPayment(world.pool, second, (p) => p.status === 'REVERSED', 'the second REVERSED');
      const unpaid = await waitForInvoice(
        store.admin,
        invoice.id,
        (i) => i.exceptionStatus === 'NONE',
        'NONE',
      );
      expect(unpaid.status).toBe('NEW');
      expect(unpaid.paymentMethods[0]).toMatchObject({ amountPaid: '0', amountRemaining: String(due) });
      expect((await paymentsOfInvoice(world.pool, invoice.id)).map((p) => p.replacedByTxid)).toEqual(
        expect.arrayContaining([rivalOfFirst, rivalOfSecond]),
      );
    });

    it('a 0-conf payment (20 EUR, no RBF, SETTLED from the mempool) double-spent by the next block: REVERSED, the invoice INVALID', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '20');
      const txid = await sim().pay(address, due);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED at 0 conf');
      expect((await paymentsOfTx(world.pool, txid))[0]).toMatchObject({
        status: 'CONFIRMED',
        requiredConfirmations: 0,
      });

      const doubleSpend = await sim().doubleSpend(txid, undefined, { into: 'aside' });
      await sim().mineConflicting(doubleSpend);
      await waitForCursorAt(world.pool, sim().tip());
      // Exactly the risk the ≤ 50 EUR tier takes: the watcher must notice the block that spends
      // the payment's inputs, as it does for a PENDING payment.
      const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED', {
        timeoutMs: 5_000,
      });
      expect(reversed.replacedByTxid).toBe(doubleSpend);
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID', 5_000);
    });

    it('a pending deposit double-spent by a block: REVERSED with replacedByTxid, deposit.reversed', async () => {
      const { createUser } = await run(store.admin, UtxoCreateUserDocument, {
        input: { externalId: `player-${kind}` },
      });
      const { createDepositAddress } = await run(store.admin, UtxoCreateDepositAddressDocument, {
        userId: createUser.id,
        asset: 'BTC',
      });
      const txid = await sim().pay(createDepositAddress.address, 100_000n);
      const pending = await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
      expect(pending).toMatchObject({ userId: createUser.id, status: 'PENDING' });

      const doubleSpend = await sim().doubleSpend(txid, undefined, { into: 'aside' });
      await sim().mineConflicting(doubleSpend);
      const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(reversed).toMatchObject({ id: pending.id, replacedByTxid: doubleSpend });
      expect(
        (await eventsOn(world.pool, `user-deposits:${createUser.id}`))
          .map((e) => e.type)
          .filter((t) => t !== 'deposit.updated'),
      ).toEqual(['deposit.detected', 'deposit.reversed']);
    });

    it('RBF fee bump: the old payment REVERSED with replacedByTxid, the replacement PENDING, the invoice stays PROCESSING and SETTLES on it', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const txid = await sim().pay(address, due, { rbf: true });
      const seen = await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
      expect(seen).toMatchObject({ status: 'PENDING', signalsRbf: true, requiredConfirmations: 1 });

      const bumped = await sim().bumpFee(txid, 5_000);
      expect(bumped).not.toBe(txid);
      const old = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(old.replacedByTxid).toBe(bumped);
      const [replacement] = await paymentsOfTx(world.pool, bumped);
      expect(replacement).toMatchObject({
        invoiceId: invoice.id,
        outputIndex: seen.outputIndex,
        amount: String(due),
        status: 'PENDING',
      });
      const processing = await readInvoice(store.admin, invoice.id);
      expect(processing).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'NONE' });
      expect(processing.paymentMethods[0]).toMatchObject({ amountPaid: String(due), amountRemaining: '0' });

      await mine(1);
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('NONE');
      const rows = await paymentsOfInvoice(world.pool, invoice.id);
      expect(rows.filter((r) => r.status !== 'REVERSED')).toEqual([
        expect.objectContaining({ txid: bumped, status: 'CONFIRMED' }),
      ]);
      expect(rows.find((r) => r.txid === txid)).toMatchObject({ status: 'REVERSED', replacedByTxid: bumped });
      expect(await eventTypes(invoice.id)).not.toContain('invoice.invalid');
    });

    it('RBF fee bump mined at once: the same outcome whether or not the watcher saw the replacement in the mempool', async () => {
      const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
      const txid = await sim().pay(address, due, { rbf: true });
      await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'PROCESSING', 'PROCESSING');

      const bumped = await sim().bumpFee(txid, 5_000);
      await mine(1);
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.payments.filter((p) => p.status !== 'REVERSED')).toEqual([
        expect.objectContaining({ txid: bumped, status: 'CONFIRMED', amount: String(due) }),
      ]);
      expect((await paymentsOfTx(world.pool, txid))[0]).toMatchObject({
        status: 'REVERSED',
        replacedByTxid: bumped,
      });
      expect(await eventTypes(invoice.id)).not.toContain('invoice.invalid');
    });
  },
);
