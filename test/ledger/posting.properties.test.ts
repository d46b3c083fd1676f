import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markInvoice } from '../../src/app/mark-invoice.ts';
import type { KassaError } from '../../src/domain/errors.ts';
import { postPaymentChanges } from '../../src/ledger/post-payment-changes.ts';
import { checkLedger, entryCount } from './invariants.ts';
import {
  ChainDriver,
  insertInvoice,
  type LedgerWorld,
  seedLedgerStore,
  seedUser,
  startLedgerWorld,
} from './support.ts';

/*
 * The real posting code against Postgres: random sequences of detections (deposits, invoice
 * payments, unattributed credits), blocks, reorgs, double-spends, revivals, invoices marked by
 * hand and repeated postings, driven through refreshChainPayments as the watchers drive it.
 * After every step the whole ledger is checked (test/ledger/invariants.ts). The pure rules get
 * the long run (src/domain/posting-rules.properties.test.ts); this one proves the database side.
 */

let world: LedgerWorld;

beforeAll(async () => {
  world = await startLedgerWorld();
});

afterAll(async () => {
  await world?.stop();
});

type Op =
  | {
      op: 'detect';
      owner: 'user1' | 'user2' | 'invoice' | 'nobody';
      amount: bigint;
      required: number;
      mined: boolean;
    }
  | { op: 'mine'; pick: number[] }
  | { op: 'empty-block' }
  | { op: 'reorg'; pick: number }
  | { op: 'double-spend'; pick: number }
  | { op: 'mark'; status: 'SETTLED' | 'INVALID' }
  | { op: 'repost' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('detect' as const),
      owner: fc.constantFrom('user1' as const, 'user2' as const, 'invoice' as const, 'nobody' as const),
      amount: fc.oneof(fc.bigInt({ min: 0n, max: 3_000n }), fc.bigInt({ min: 0n, max: 10n ** 24n })),
      required: fc.integer({ min: 0, max: 2 }),
      mined: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('mine' as const), pick: fc.array(fc.nat(), { maxLength: 3 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ op: 'empty-block' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reorg' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('double-spend' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('mark' as const),
      status: fc.constantFrom('SETTLED' as const, 'INVALID' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'repost' as const }) },
);

describe('posting through the real code against Postgres', () => {
  it('keeps every ledger invariant over random sequences of chain events', { timeout: 240_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        run++;
        const { services } = world;
        const chain = new ChainDriver(services);
        const store = await seedLedgerStore(services, `Property store ${run}`);
        const users = {
          user1: (await seedUser(services, store.id, `u1-${run}`)).id,
          user2: (await seedUser(services, store.id, `u2-${run}`)).id,
        };
        const invoiceId = await insertInvoice(world.sql, {
          storeId: store.id,
          methods: [{ asset: 'BTC', amountDue: 2_000n, rate: '60000' }],
        });
        const payments: string[] = [];
        const pick = (n: number) => payments[n % payments.length];
        for (const op of ops) {
          if (op.op === 'detect') {
            payments.push(
              await chain.detect({
                storeId: store.id,
                amount: op.amount,
                requiredConfirmations: op.required,
                mined: op.mined,
                invoiceId: op.owner === 'invoice' ? invoiceId : null,
                userId: op.owner === 'user1' || op.owner === 'user2' ? users[op.owner] : null,
              }),
            );
          } else if (op.op === 'mine') await chain.mine(payments.length ? op.pick.map(pick) : []);
          else if (op.op === 'empty-block') await chain.mine([]);
          else if (op.op === 'reorg' && payments.length) await chain.reorg(pick(op.pick));
          else if (op.op === 'double-spend' && payments.length) await chain.doubleSpend(pick(op.pick));
          else if (op.op === 'mark') {
            // A marked invoice stays so: marking it again is refused (CONFLICT) and changes nothing.
            await markInvoice(services, store.id, invoiceId, op.status).catch((error: KassaError) => {
              if (error.code !== 'CONFLICT') throw error;
            });
          } else if (op.op === 'repost') {
            const before = await entryCount(world.sql);
            const { rows } = await world.sql.query(
              `SELECT id, "invoiceId", "userId", "storeId", status::text AS status, NULL AS "previousStatus"
               FROM "Payment" WHERE "storeId" = $1`,
              [store.id],
            );
            await services.db.prisma.$transaction((tx) => postPaymentChanges(services, tx, rows));
            expect(await entryCount(world.sql), 'a repeated posting posts nothing').toBe(before);
          }
          await checkLedger(world.sql, store.id);
        }
      }),
      { numRuns: 40 },
    );
  });
});
