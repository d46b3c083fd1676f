import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WatchersCreateDepositAddressDocument,
  WatchersCreateInvoiceDocument,
  WatchersCreateUserDocument,
} from '../graphql/generated/graphql.ts';
import { run } from '../support/graphql-client.ts';
import type { RunningKassa } from '../support/kassa.ts';
import { fundedSender } from './support/evm-pay.ts';
import { readInvoice, until, waitForInvoice } from './support/evm-wait.ts';
import {
  CHAIN,
  duplicatePaymentKeys,
  ETH_DUE,
  type EvmStore,
  type EvmWorld,
  eventTypes,
  type PaymentRow,
  PRICE_EUR,
  paymentRows,
  REQUIRED_CONFIRMATIONS,
  REVERSAL_DEPTH,
  seedEvmStore,
  startEvmKassa,
  startEvmWorld,
  USDT_DUE,
  waitForCursor,
} from './support/evm-world.ts';

let world: EvmWorld;
let kassa: RunningKassa;
let store: EvmStore;
let sender: Awaited<ReturnType<typeof fundedSender>>;
let bystander: Awaited<ReturnType<typeof fundedSender>>;

beforeAll(async () => {
  world = await startEvmWorld();
  // Funded before Kassa starts: these blocks are far below any reorg of the tests.
  sender = await fundedSender(world.anvil, world.usdt);
  bystander = await fundedSender(world.anvil, world.usdt);
  await world.anvil.mine(5);
  kassa = await startEvmKassa(world);
  store = await seedEvmStore(world, kassa.graphqlUrl);
  await waitForCursor(world.pool);
});

afterAll(async () => {
  await kassa?.stop();
  await world?.stop();
});

async function newInvoice(asset: 'ETH' | 'USDT_ETH') {
  const { createInvoice } = await run(store.admin, WatchersCreateInvoiceDocument, {
    input: { price: PRICE_EUR, currency: 'EUR', assets: [asset] },
  });
  return { id: createInvoice.id, address: createInvoice.paymentMethods[0].address };
}

async function newDepositAddress(externalId: string) {
  const { createUser } = await run(store.admin, WatchersCreateUserDocument, { input: { externalId } });
  const { createDepositAddress } = await run(store.admin, WatchersCreateDepositAddressDocument, {
    userId: createUser.id,
    asset: 'ETH',
  });
  return { userId: createUser.id, address: createDepositAddress.address };
}

async function receipt(hash: Hex) {
  return world.anvil.publicClient.getTransactionReceipt({ hash });
}

/** Waits until the only Payment row of `txid` satisfies `holds`; the timeout shows the rows. */
async function waitForPayment(txid: Hex, holds: (row: PaymentRow) => boolean, what: string) {
  let last: PaymentRow[] = [];
  return until(
    async () => {
      last = await paymentRows(world.pool, txid);
      return last.length > 0 && last.every(holds) ? last : undefined;
    },
    `payment ${txid}: ${what}`,
    undefined,
    () => last,
  );
}

async function tipHeight() {
  return Number(await world.anvil.publicClient.getBlockNumber());
}

describe('a reorg that mines the payment again', () => {
  const cases = [
    { depth: 1, offset: 0, to: 'invoice' },
    { depth: 2, offset: 1, to: 'invoice' },
    { depth: 3, offset: 0, to: 'invoice' },
    { depth: 3, offset: 2, to: 'deposit' },
  ] as const;

  it.each(cases)(
    'depth $depth, back at offset $offset ($to): CONFIRMED in the new block, still one Payment row',
    async ({ depth, offset, to }) => {
      const invoice = to === 'invoice' ? await newInvoice('ETH') : undefined;
      const address = invoice?.address ?? (await newDepositAddress(`reorg-${depth}-${offset}`)).address;
      const pay = await sender.payEth(address, ETH_DUE);
      const before = await receipt(pay.hash);
      await world.anvil.mine(depth - 1);
      // The watcher has seen the payment at the tip: `depth` confirmations in the old branch.
      await waitForPayment(
        pay.hash,
        (p) => p.blockHash === before.blockHash && p.confirmations === depth,
        `${depth} confirmations in block ${before.blockHash}`,
      );
      if (invoice) {
        const status = depth >= REQUIRED_CONFIRMATIONS ? 'SETTLED' : 'PROCESSING';
        await waitForInvoice(store.admin, invoice.id, (i) => i.status === status, status);
      }

      await world.anvil.reorg(depth, [[pay.raw, offset]]);
      const after = await receipt(pay.hash);
      expect(after.blockHash).not.toBe(before.blockHash);
      expect(Number(after.blockNumber)).toBe(Number(before.blockNumber) + offset);
      const confirmations = depth - offset;
      if (confirmations < REQUIRED_CONFIRMATIONS)
        await world.anvil.mine(REQUIRED_CONFIRMATIONS - confirmations);

      // The watcher records block by block: wait until it has reached the tip of the new branch.
      const expectedConfirmations = Math.max(confirmations, REQUIRED_CONFIRMATIONS);
      const [row] = await waitForPayment(
        pay.hash,
        (p) =>
          p.blockHash === after.blockHash &&
          p.status === 'CONFIRMED' &&
          p.confirmations === expectedConfirmations,
        `CONFIRMED in the new block ${after.blockHash}`,
      );
      expect(row).toMatchObject({
        outputIndex: -1,
        blockHeight: Number(after.blockNumber),
        confirmations: expectedConfirmations,
        amount: ETH_DUE.toString(),
      });
      expect(await paymentRows(world.pool, pay.hash)).toHaveLength(1);
      expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
      const stored = await world.pool.query(
        'SELECT hash FROM "ChainBlock" WHERE chain = $1 AND height = $2',
        [CHAIN, Number(after.blockNumber)],
      );
      expect(stored.rows).toEqual([{ hash: after.blockHash }]);

      if (invoice) {
        const read = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
        expect(read.exceptionStatus).toBe('NONE');
        expect(read.paymentMethods[0]).toMatchObject({
          amountPaid: ETH_DUE.toString(),
          amountRemaining: '0',
        });
        expect(read.payments).toHaveLength(1);
      }
    },
  );

  it('a token transfer mined again behind another transfer (its log index moves): still one payment, not two', async () => {
    const invoice = await newInvoice('USDT_ETH');
    const pay = await sender.payToken(world.usdt, invoice.address, USDT_DUE);
    const before = await receipt(pay.hash);
    const oldLogIndex = before.logs[0].logIndex;
    await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'PROCESSING', 'PROCESSING');

    // The new branch puts another Transfer first in the block: the payment's log moves up one.
    const other = await bystander.signToken(world.usdt, '0x000000000000000000000000000000000000dEaD', 7n);
    await world.anvil.reorg(1, [
      [other.raw, 0],
      [pay.raw, 0],
    ]);
    const after = await receipt(pay.hash);
    const newLogIndex = after.logs.find(
      (l) => l.address.toLowerCase() === world.usdt.toLowerCase(),
    )?.logIndex;
    expect(newLogIndex).toBe(oldLogIndex + 1);
    await world.anvil.mine(1);

    await until(async () => {
      const rows = await paymentRows(world.pool, pay.hash);
      return rows.some((r) => r.blockHash === after.blockHash && r.status === 'CONFIRMED');
    }, 'the transfer CONFIRMED in the new block');
    const read = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'SETTLED', 'SETTLED');
    // One 20 USDT transfer pays 20 USDT, whatever block it ends up in.
    expect(read.exceptionStatus).toBe('NONE');
    expect(read.paymentMethods[0]).toMatchObject({ amountPaid: USDT_DUE.toString(), amountRemaining: '0' });
    const rows = await paymentRows(world.pool, pay.hash);
    expect(
      rows.map((r) => ({ outputIndex: r.outputIndex, status: r.status, blockHash: r.blockHash })),
      'one transfer, one Payment row',
    ).toEqual([{ outputIndex: newLogIndex, status: 'CONFIRMED', blockHash: after.blockHash }]);
  });
});

describe('a reorg that drops the payment for good', () => {
  it(`PENDING at once, REVERSED after ${REVERSAL_DEPTH} more blocks; invoices paid by it become INVALID`, async () => {
    const settled = await newInvoice('ETH');
    const deposit = await newDepositAddress('dropped-deposit');
    const processing = await newInvoice('ETH');
    const paySettled = await sender.payEth(settled.address, ETH_DUE); // block N
    const payDeposit = await sender.payEth(deposit.address, 10n ** 18n); // N + 1
    const payProcessing = await sender.payEth(processing.address, ETH_DUE); // N + 2
    await waitForInvoice(store.admin, settled.id, (i) => i.status === 'SETTLED', 'SETTLED');
    await waitForInvoice(store.admin, processing.id, (i) => i.status === 'PROCESSING', 'PROCESSING');
    await waitForPayment(payDeposit.hash, (p) => p.status === 'CONFIRMED', 'deposit CONFIRMED');

    const tip = await tipHeight();
    await world.anvil.reorg(3);
    await sender.resyncNonce();
    for (const hash of [paySettled.hash, payDeposit.hash, payProcessing.hash]) {
      expect(await world.anvil.publicClient.getTransaction({ hash }).catch(() => null)).toBeNull();
    }
    const txids = [paySettled.hash, payDeposit.hash, payProcessing.hash];
    const allRows = async () => (await Promise.all(txids.map((t) => paymentRows(world.pool, t)))).flat();

    // Rolled back to the fork: unmined, so PENDING with no block and no confirmations.
    await until(
      async () => (await allRows()).every((r) => r.blockHash === null && r.status === 'PENDING'),
      'the three payments unmined',
    );
    expect((await allRows()).map((r) => r.confirmations)).toEqual([0, 0, 0]);

    // Not yet REVERSED one block short of the reversal depth.
    await world.anvil.mine(REVERSAL_DEPTH - 1);
    await waitForCursor(world.pool, tip + REVERSAL_DEPTH - 1);
    expect((await allRows()).map((r) => r.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);

    await world.anvil.mine(1);
    let last: PaymentRow[] = [];
    await until(
      async () => {
        last = await allRows();
        return last.every((r) => r.status === 'REVERSED');
      },
      `the three payments REVERSED ${REVERSAL_DEPTH} blocks after they vanished`,
      undefined,
      () => last.map((r) => ({ txid: r.txid, status: r.status, blockHash: r.blockHash })),
    );
    for (const invoice of [settled, processing]) {
      const read = await waitForInvoice(store.admin, invoice.id, (i) => i.status === 'INVALID', 'INVALID');
      expect(read.payments.map((p) => p.status)).toEqual(['REVERSED']);
      expect(read.paymentMethods[0]).toMatchObject({ amountPaid: '0' });
      expect(await eventTypes(world.pool, `invoice:${invoice.id}`)).toContain('invoice.invalid');
    }
    const [depositRow] = await paymentRows(world.pool, payDeposit.hash);
    const depositEvents = await world.pool.query<{ type: string }>(
      `SELECT payload->>'type' AS type FROM "Event" WHERE topic = $1 AND payload->>'paymentId' = $2 ORDER BY id`,
      [`user-deposits:${deposit.userId}`, depositRow.id],
    );
    expect(depositEvents.rows.map((e) => e.type)).toContain('deposit.reversed');
  });

  it('after every reorg above: unique payment keys, and the cursor on the node’s chain at its tip', async () => {
    expect(await duplicatePaymentKeys(world.pool)).toEqual([]);
    const cursor = await waitForCursor(world.pool, await tipHeight());
    const block = await world.anvil.publicClient.getBlock({ blockNumber: BigInt(cursor.height) });
    expect(cursor.hash).toBe(block.hash);
    // A read after all that still answers.
    const invoice = await newInvoice('ETH');
    expect((await readInvoice(store.admin, invoice.id)).status).toBe('NEW');
  });
});
