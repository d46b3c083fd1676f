import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WatchersCreateDepositAddressDocument,
  WatchersCreateInvoiceDocument,
  WatchersCreateUserDocument,
} from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import { payEth, payToken } from './support/evm-pay.ts';
import { Clock, readInvoice, until, waitForInvoice } from './support/evm-wait.ts';
import {
  duplicatePaymentKeys,
  ETH_DUE,
  type EvmStore,
  type EvmWorld,
  eventTypes,
  PRICE_EUR,
  paymentRows,
  REQUIRED_CONFIRMATIONS,
  seedEvmStore,
  startEvmKassa,
  startEvmWorld,
  USDT_DUE,
  waitForCursor,
} from './support/evm-world.ts';

let world: EvmWorld;
let kassa: RunningKassa;
let store: EvmStore;
const clock = new Clock();
/** Every transaction this file sends to a watched address, for the exactly-once check. */
const paid: string[] = [];

beforeAll(async () => {
  world = await startEvmWorld();
  kassa = await startEvmKassa(world, { now: clock.now });
  store = await seedEvmStore(world, kassa.graphqlUrl);
  await waitForCursor(world.pool);
});

afterAll(async () => {
  await kassa?.stop();
  await world?.stop();
});

async function newInvoice(asset: 'ETH' | 'USDT_ETH', extra: { expirationMinutes?: number } = {}) {
  const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
    input: { price: PRICE_EUR, currency: 'EUR', assets: [asset], ...extra },
  });
  expect(createInvoice).toMatchObject({ status: 'NEW', exceptionStatus: 'NONE', payments: [] });
  expect(createInvoice.paymentMethods).toHaveLength(1);
  return { invoice: createInvoice, method: createInvoice.paymentMethods[0] };
}

async function sendEth(to: string, wei: bigint) {
  const hash = await payEth(world.anvil, to, wei);
  paid.push(hash);
  return hash;
}

async function sendUsdt(to: string, units: bigint) {
  const hash = await payToken(world.anvil, world.usdt, to, units);
  paid.push(hash);
  const receipt = await world.anvil.publicClient.getTransactionReceipt({ hash });
  return { hash, logIndex: receipt.logs[0].logIndex };
}

describe('an invoice paid in ETH on an EVM chain', () => {
  it('exactly: PROCESSING at the first sighting (1 of 2 confirmations), SETTLED one block later', async () => {
    const { invoice, method } = await newInvoice('ETH');
    expect(method).toMatchObject({ asset: 'ETH', chain: 'ethereum', amountDue: ETH_DUE.toString() });
    const txid = await sendEth(method.address, ETH_DUE);

    const processing = await waitForInvoice(store.admin, invoice.id, (i) => i.status !== 'NEW', 'PROCESSING');
    expect(processing).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'NONE', paidPercent: '100' });
    expect(processing.payments).toEqual([
      expect.objectContaining({
        chain: 'ethereum',
        txid,
        outputIndex: -1,
        asset: 'ETH',
        address: method.address,
        amount: ETH_DUE.toString(),
        status: 'PENDING',
        confirmations: 1,
        requiredConfirmations: REQUIRED_CONFIRMATIONS,
        confirmedAt: null,
      }),
    ]);
    expect(processing.paymentMethods[0]).toMatchObject({
      amountPaid: ETH_DUE.toString(),
      amountRemaining: '0',
    });

    await world.anvil.mine(1);
    const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    expect(settled.exceptionStatus).toBe('NONE');
    expect(settled.payments).toEqual([
      expect.objectContaining({
        txid,
        status: 'CONFIRMED',
        confirmations: 2,
        confirmedAt: expect.any(String),
      }),
    ]);
    expect(await eventTypes(world.pool, `invoice:${invoice.id}`)).toEqual([
      'invoice.created',
      'invoice.payment_detected',
      'invoice.processing',
      'invoice.payment_confirmed',
      'invoice.settled',
    ]);
  });

  it('partially: PAID_PARTIAL with the right remainder, then the rest in a second transaction', async () => {
    const { invoice, method } = await newInvoice('ETH');
    const first = (ETH_DUE * 4n) / 10n;
    const firstTxid = await sendEth(method.address, first);
    const partial = await waitForInvoice(
      store.admin,
      invoice.id,
      (i) => i.exceptionStatus === 'PAID_PARTIAL',
      'PAID_PARTIAL',
    );
    expect(partial).toMatchObject({ status: 'NEW', paidPercent: '40' });
    expect(partial.paymentMethods[0]).toMatchObject({
      amountPaid: first.toString(),
      amountRemaining: (ETH_DUE - first).toString(),
    });

    const secondTxid = await sendEth(method.address, ETH_DUE - first);
    const processing = await waitForInvoice(store.admin, invoice.id, (i) => i.status !== 'NEW', 'PROCESSING');
    expect(processing).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'NONE', paidPercent: '100' });
    expect(processing.paymentMethods[0]).toMatchObject({
      amountPaid: ETH_DUE.toString(),
      amountRemaining: '0',
    });
    // Two payments to one address: the first now has 2 confirmations, the second 1.
    expect(processing.payments.map((p) => [p.txid, p.amount, p.status, p.confirmations])).toEqual([
      [firstTxid, first.toString(), 'CONFIRMED', 2],
      [secondTxid, (ETH_DUE - first).toString(), 'PENDING', 1],
    ]);
    expect(new Set(processing.payments.map((p) => p.address))).toEqual(new Set([method.address]));

    await world.anvil.mine(1);
    const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    expect(settled.exceptionStatus).toBe('NONE');
    expect(settled.payments.map((p) => p.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
  });

  it('too much: PROCESSING with PAID_OVER, and it stays PAID_OVER when SETTLED', async () => {
    const { invoice, method } = await newInvoice('ETH');
    const amount = (ETH_DUE * 3n) / 2n;
    await sendEth(method.address, amount);
    const processing = await waitForInvoice(store.admin, invoice.id, (i) => i.status !== 'NEW', 'PROCESSING');
    expect(processing).toMatchObject({
      status: 'PROCESSING',
      exceptionStatus: 'PAID_OVER',
      paidPercent: '150',
    });
    expect(processing.paymentMethods[0]).toMatchObject({
      amountPaid: amount.toString(),
      amountRemaining: '0',
    });

    await world.anvil.mine(1);
    const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    expect(settled.exceptionStatus).toBe('PAID_OVER');
  });

  it('late: EXPIRED at the deadline, then paid within the monitoring window → PAID_LATE, PROCESSING, SETTLED', async () => {
    const { invoice, method } = await newInvoice('ETH', { expirationMinutes: 15 });
    try {
      // The worker's deadline sweep expires it by Kassa's clock.
      clock.advanceMs(16 * 60_000);
      const expired = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'EXPIRED', 'EXPIRED');
      expect(expired.exceptionStatus).toBe('NONE');
      expect(new Date(expired.monitoringEndsAt).getTime()).toBeGreaterThan(clock.now().getTime());

      // The chain's clock moves with ours: the paying block is stamped after the deadline, as it
      // would be in real time (Kassa dates a payment by its block when the watcher runs behind).
      await world.anvil.rpc('evm_setNextBlockTimestamp', [Math.floor(clock.now().getTime() / 1000)]);
      const txid = await sendEth(method.address, ETH_DUE);
      const late = await waitForInvoice(store.admin, invoice.id, (i) => i.status !== 'EXPIRED', 'PROCESSING');
      expect(late).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'PAID_LATE' });
      expect(late.payments).toEqual([expect.objectContaining({ txid, status: 'PENDING', confirmations: 1 })]);

      await world.anvil.mine(1);
      const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
      expect(settled.exceptionStatus).toBe('PAID_LATE');
      const types = await eventTypes(world.pool, `invoice:${invoice.id}`);
      expect(
        types.filter((t) => t !== 'invoice.payment_detected' && t !== 'invoice.payment_confirmed'),
      ).toEqual([
        'invoice.created',
        'invoice.expired',
        'invoice.paid_late',
        'invoice.processing',
        'invoice.settled',
      ]);
    } finally {
      clock.reset();
    }
  });
});

describe('an invoice paid in USDT_ETH (ERC-20 Transfer logs)', () => {
  it('exactly: a payment keyed by its log index, PROCESSING then SETTLED', async () => {
    const { invoice, method } = await newInvoice('USDT_ETH');
    expect(method).toMatchObject({ asset: 'USDT_ETH', amountDue: USDT_DUE.toString() });
    const { hash, logIndex } = await sendUsdt(method.address, USDT_DUE);

    const processing = await waitForInvoice(store.admin, invoice.id, (i) => i.status !== 'NEW', 'PROCESSING');
    expect(processing).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'NONE' });
    expect(processing.payments).toEqual([
      expect.objectContaining({
        txid: hash,
        outputIndex: logIndex,
        asset: 'USDT_ETH',
        amount: USDT_DUE.toString(),
        status: 'PENDING',
        confirmations: 1,
      }),
    ]);
    expect(processing.paymentMethods[0]).toMatchObject({
      amountPaid: USDT_DUE.toString(),
      amountRemaining: '0',
    });

    await world.anvil.mine(1);
    const settled = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    expect(settled).toMatchObject({ exceptionStatus: 'NONE' });
    expect(settled.payments).toEqual([expect.objectContaining({ status: 'CONFIRMED', confirmations: 2 })]);
  });

  it('ETH sent to a USDT-only invoice is recorded but does not pay it', async () => {
    const { invoice, method } = await newInvoice('USDT_ETH');
    await sendEth(method.address, ETH_DUE);
    await world.anvil.mine(1);
    const read = await waitForInvoice(
      store.admin,
      invoice.id,
      (i) => i.payments.length > 0,
      'the ETH payment',
    );
    expect(read).toMatchObject({ status: 'NEW', exceptionStatus: 'NONE' });
    expect(read.paymentMethods[0]).toMatchObject({ amountPaid: '0', amountRemaining: USDT_DUE.toString() });
  });
});

describe('a user deposit on an EVM chain', () => {
  it('ETH and USDT to the user’s permanent address: Payment rows of the user, CONFIRMED after 2 blocks, with deposit events', async () => {
    const { createUser } = await run(store.admin, WatchersCreateUserDocument, {
      input: { externalId: 'investor-1' },
    });
    const { createDepositAddress } = await run(store.admin, WatchersCreateDepositAddressDocument, {
      userId: createUser.id,
      asset: 'ETH',
    });
    const address = createDepositAddress.address;
    const wei = 10n ** 18n;
    const ethTxid = await sendEth(address, wei);
    const usdt = await sendUsdt(address, 5_000_000n);

    const [eth] = await until(async () => {
      const rows = await paymentRows(world.pool, ethTxid);
      return rows.length > 0 && rows;
    }, 'the ETH deposit');
    expect(eth).toMatchObject({
      outputIndex: -1,
      asset: 'ETH',
      address,
      amount: wei.toString(),
      invoiceId: null,
      userId: createUser.id,
    });

    // The token transfer's block gave the ETH deposit its second confirmation; one more for it.
    await world.anvil.mine(1);
    await until(async () => {
      const rows = [
        ...(await paymentRows(world.pool, ethTxid)),
        ...(await paymentRows(world.pool, usdt.hash)),
      ];
      return rows.length === 2 && rows.every((r) => r.status === 'CONFIRMED');
    }, 'both deposits CONFIRMED');
    const [token] = await paymentRows(world.pool, usdt.hash);
    expect(token).toMatchObject({
      outputIndex: usdt.logIndex,
      asset: 'USDT_ETH',
      address,
      amount: '5000000',
      invoiceId: null,
      userId: createUser.id,
      confirmations: 2,
    });

    const events = await world.pool.query<{ type: string; paymentId: string }>(
      `SELECT payload->>'type' AS type, payload->>'paymentId' AS "paymentId" FROM "Event"
       WHERE topic = $1 ORDER BY id`,
      [`user-deposits:${createUser.id}`],
    );
    const typesOf = (paymentId: string) =>
      events.rows.filter((e) => e.paymentId === paymentId && e.type !== 'deposit.updated').map((e) => e.type);
    expect(typesOf(eth.id)).toEqual(['deposit.detected', 'deposit.confirmed']);
    expect(typesOf(token.id)).toEqual(['deposit.detected', 'deposit.confirmed']);
  });
});

describe('exactly once', () => {
  it('every transaction paid to a watched address in this file has one Payment row per (chain, txid, log index)', async () => {
    expect(paid.length).toBeGreaterThanOrEqual(8);
    for (const txid of paid) {
      const rows = await paymentRows(world.pool, txid);
      expect(rows, txid).toHaveLength(1);
    }
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
  });

  it('scanning the same blocks again (the cursor set back) adds no row and no second payment_detected', async () => {
    const { invoice, method } = await newInvoice('ETH');
    const txid = await sendEth(method.address, ETH_DUE);
    await world.anvil.mine(1);
    await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    const rowsBefore = await world.pool.query('SELECT count(*)::int AS n FROM "Payment"');

    // Back to a stored block below every payment of this file, as if those commits had been lost.
    const [{ height: tip }] = (
      await world.pool.query<{ height: number }>('SELECT height FROM "ChainCursor" WHERE chain = $1', [
        'ethereum',
      ])
    ).rows;
    const first = await world.pool.query<{ height: number; hash: string }>(
      'SELECT height, hash FROM "ChainBlock" WHERE chain = $1 ORDER BY height LIMIT 1',
      ['ethereum'],
    );
    await world.pool.query('UPDATE "ChainCursor" SET height = $1, hash = $2 WHERE chain = $3', [
      first.rows[0].height,
      first.rows[0].hash,
      'ethereum',
    ]);
    await waitForCursor(world.pool, tip);

    const rowsAfter = await world.pool.query('SELECT count(*)::int AS n FROM "Payment"');
    expect(rowsAfter.rows[0].n).toBe(rowsBefore.rows[0].n);
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    expect(await paymentRows(world.pool, txid)).toEqual([
      expect.objectContaining({ status: 'CONFIRMED', invoiceId: invoice.id }),
    ]);
    const detected = await world.pool.query(
      `SELECT payload->>'paymentId' AS id, count(*)::int AS n FROM "Event"
       WHERE payload->>'type' IN ('invoice.payment_detected', 'deposit.detected') AND topic NOT LIKE 'store-%'
       GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(detected.rows).toEqual([]);
    expect((await readInvoice(store.admin, invoice.id)).status).toBe('SETTLED');
  });
});
