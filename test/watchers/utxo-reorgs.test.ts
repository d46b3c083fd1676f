import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UtxoCreateDepositAddressDocument, UtxoCreateUserDocument } from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import {
  chainBlockHeights,
  duplicatePaymentKeys,
  eventsOn,
  paymentsOfTx,
  waitForCursorAt,
  waitForPayment,
} from './support/utxo-rows.ts';
import { readInvoice, waitForInvoice } from './support/utxo-wait.ts';
import {
  createBtcInvoice,
  type LogLine,
  REVERSAL_DEPTH,
  seedUtxoStore,
  startUtxoKassa,
  startUtxoWorld,
  UTXO_BACKENDS,
  type UtxoStore,
  type UtxoWorld,
} from './support/utxo-world.ts';

describe.each(UTXO_BACKENDS)('Bitcoin reorgs, watched over %s', { timeout: 90_000 }, (kind) => {
  let world: UtxoWorld;
  let kassa: RunningKassa;
  let logs: LogLine[];
  let store: UtxoStore;

  const sim = () => world.btc.sim;
  async function mine(n = 1): Promise<string[]> {
    const hashes = await sim().mine(n);
    await waitForCursorAt(world.pool, sim().tip());
    return hashes;
  }
  const eventTypes = async (invoiceId: string, paymentId?: string) =>
    (await eventsOn(world.pool, `invoice:${invoiceId}`))
      .filter((e) => paymentId === undefined || e.paymentId === paymentId)
      .map((e) => e.type);

  /** A 500 EUR invoice (1 confirmation) paid and mined, then buried under `depth - 1` more blocks. */
  async function settledPaymentAtDepth(depth: number) {
    const { invoice, address, due } = await createBtcInvoice(store.admin, '500');
    const txid = await sim().pay(address, due);
    await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
    const [minedIn] = await mine(1);
    if (depth > 1) await mine(depth - 1);
    await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    const [row] = await paymentsOfTx(world.pool, txid);
    expect(row).toMatchObject({ status: 'CONFIRMED', blockHash: minedIn, confirmations: depth });
    return { invoice, txid, row };
  }

  beforeAll(async () => {
    world = await startUtxoWorld(kind);
    ({ kassa, logs } = await startUtxoKassa(world));
    store = await seedUtxoStore(world, kassa.graphqlUrl);
    await waitForCursorAt(world.pool, sim().tip());
    // History for the fork-point search: reorgs below reach into recorded blocks only.
    await mine(4);
  });

  afterEach(async () => {
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    const { gaps } = await chainBlockHeights(world.pool);
    expect(gaps).toEqual([]);
  });

  afterAll(async () => {
    await kassa?.stop();
    await world?.stop();
  });

  it.each([1, 2, 3])(
    'reorg of depth %i that mines the payment again: PENDING while orphaned, CONFIRMED again in the new block, one row',
    async (depth) => {
      const { invoice, txid, row } = await settledPaymentAtDepth(depth);
      const reorgsBefore = logs.filter((l) => l.msg === 'reorg: rolling back to the fork point').length;

      const branch = await sim().reorg(depth);
      await waitForCursorAt(world.pool, sim().tip());
      const again = await waitForPayment(
        world.pool,
        txid,
        (p) => p.blockHash === branch[0] && p.status === 'CONFIRMED',
        'CONFIRMED in the new branch',
      );
      expect(again).toMatchObject({
        id: row.id,
        blockHeight: row.blockHeight,
        confirmations: depth + 1,
        replacedByTxid: null,
      });
      expect(again.blockHash).not.toBe(row.blockHash);
      expect(await paymentsOfTx(world.pool, txid)).toHaveLength(1);

      // It went back to PENDING with its block and came back: confirmed twice, never invalid.
      expect((await eventTypes(invoice.id, row.id)).filter((t) => t === 'invoice.payment_confirmed')).toEqual(
        ['invoice.payment_confirmed', 'invoice.payment_confirmed'],
      );
      const read = await readInvoice(store.admin, invoice.id);
      expect(read.status).toBe('SETTLED');
      expect(read.payments[0]).toMatchObject({ status: 'CONFIRMED', confirmations: depth + 1 });
      expect(await eventTypes(invoice.id)).not.toContain('invoice.invalid');

      const reorgLogs = logs.filter((l) => l.msg === 'reorg: rolling back to the fork point');
      expect(reorgLogs.length).toBeGreaterThan(reorgsBefore);
      expect(reorgLogs.at(-1)).toMatchObject({ chain: 'bitcoin', fork: row.blockHeight! - 1 });
      const { heights } = await chainBlockHeights(world.pool);
      expect(heights.at(-1)).toBe(sim().height);
    },
  );

  it.each([1, 2, 3])(
    'reorg of depth %i that drops the payment: PENDING, REVERSED once reversalDepth blocks pass without it; the SETTLED invoice turns INVALID',
    async (depth) => {
      const { invoice, txid, row } = await settledPaymentAtDepth(depth);

      await sim().reorg(depth, { dropTxids: [txid] });
      await waitForCursorAt(world.pool, sim().tip());
      const missing = await waitForPayment(
        world.pool,
        txid,
        (p) => p.missingSinceHeight !== null,
        'unmined and found missing from the mempool',
      );
      expect(missing).toMatchObject({
        id: row.id,
        status: 'PENDING',
        confirmations: 0,
        blockHash: null,
        blockHeight: null,
        missingSinceHeight: sim().height,
      });
      // A pending payment still counts: the invoice waits for the transaction to come back.
      expect((await readInvoice(store.admin, invoice.id)).status).toBe('SETTLED');

      await mine(REVERSAL_DEPTH - 1);
      expect((await paymentsOfTx(world.pool, txid))[0].status).toBe('PENDING');
      expect((await readInvoice(store.admin, invoice.id)).status).toBe('SETTLED');

      await mine(1);
      const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
      expect(reversed).toMatchObject({ id: row.id, blockHash: null, replacedByTxid: null });
      const invalid = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
      expect(invalid.payments[0]).toMatchObject({ txid, status: 'REVERSED' });
      expect((await eventTypes(invoice.id)).at(-1)).toBe('invoice.invalid');
      expect(await paymentsOfTx(world.pool, txid)).toHaveLength(1);
    },
  );

  it('a PROCESSING invoice (3 confirmations needed) whose payment a reorg drops turns INVALID', async () => {
    const { invoice, address, due } = await createBtcInvoice(store.admin, '2000');
    const txid = await sim().pay(address, due);
    await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
    await mine(1);
    const processing = await readInvoice(store.admin, invoice.id);
    expect(processing.status).toBe('PROCESSING');
    expect(processing.payments[0]).toMatchObject({ status: 'PENDING', confirmations: 1 });

    await sim().reorg(1, { dropTxids: [txid] });
    await waitForCursorAt(world.pool, sim().tip());
    await waitForPayment(world.pool, txid, (p) => p.missingSinceHeight !== null, 'found missing');
    await mine(REVERSAL_DEPTH);
    await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
    const invalid = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
    expect(invalid.exceptionStatus).toBe('NONE');
  });

  it('a reorg above a deposit’s block leaves the confirmed deposit CONFIRMED: one deposit.confirmed, not two', async () => {
    const { createUser } = await run(store.admin, UtxoCreateUserDocument, {
      input: { externalId: `whale-${kind}` },
    });
    const { createDepositAddress } = await run(store.admin, UtxoCreateDepositAddressDocument, {
      userId: createUser.id,
      asset: 'BTC',
    });
    // 0.02 BTC is 1,200 EUR: above every tier, 3 confirmations.
    const txid = await sim().pay(createDepositAddress.address, 2_000_000n);
    await waitForPayment(world.pool, txid, () => true, 'seen in the mempool');
    const [minedIn] = await mine(3);
    const confirmed = await waitForPayment(world.pool, txid, (p) => p.status === 'CONFIRMED', 'CONFIRMED');
    expect(confirmed).toMatchObject({ requiredConfirmations: 3, confirmations: 3, blockHash: minedIn });

    // Only the block above the deposit's block is replaced (by two): the deposit's block stays in
    // the best chain, 4 deep once the watcher has followed.
    await sim().reorg(1);
    await waitForCursorAt(world.pool, sim().tip());
    const after = await waitForPayment(world.pool, txid, (p) => p.confirmations === 4, '4 confirmations');
    expect(after).toMatchObject({ id: confirmed.id, status: 'CONFIRMED', blockHash: minedIn });
    // deposit.updated follows each recount; the status events must each come once.
    const events = await eventsOn(world.pool, `user-deposits:${createUser.id}`);
    expect(events.map((e) => e.type).filter((t) => t !== 'deposit.updated')).toEqual([
      'deposit.detected',
      'deposit.confirmed',
    ]);
  });

  it('a reorg that mines a double-spend of a confirmed payment: REVERSED with replacedByTxid, the invoice INVALID', async () => {
    const { invoice, txid, row } = await settledPaymentAtDepth(1);
    // Once the original is confirmed the double-spend is kept aside, for the reorg to mine.
    const doubleSpend = await sim().doubleSpend(txid);

    const branch = await sim().reorg(1, { include: [doubleSpend] });
    expect(sim().txStatus(doubleSpend)).toMatchObject({ confirmed: true, blockHash: branch[0] });
    await waitForCursorAt(world.pool, sim().tip());
    const reversed = await waitForPayment(world.pool, txid, (p) => p.status === 'REVERSED', 'REVERSED');
    expect(reversed).toMatchObject({ id: row.id, replacedByTxid: doubleSpend, blockHash: null });
    const invalid = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
    expect(invalid.payments).toHaveLength(1);
    expect(await paymentsOfTx(world.pool, doubleSpend)).toEqual([]);
  });
});
