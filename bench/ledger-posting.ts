import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import type { Services } from '../src/app/services.ts';
import { loadChainsConfig } from '../src/chains/chains-config.ts';
import { connectDatabase } from '../src/db/client.ts';
import { postPaymentChanges } from '../src/ledger/post-payment-changes.ts';
import { buildRateService } from '../src/rates/build-rate-service.ts';
import { type LedgerBenchWorld, prepareLedgerWorld } from './ledger-fixture.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import type { LoadResult } from './support/load.ts';
import { ratioAtLeast } from './support/targets.ts';
import type { BenchContext, Benchmark, Figure } from './types.ts';

/**
 * Issue "Journal and ledger": posting throughput versus raw INSERTs of the same rows.
 *
 * Headline, the watcher's path: one transaction per block of 100 newly detected deposits,
 * `postPaymentChanges` of all of them (lock the payments, read what the journal holds, plan,
 * value, create or lock the accounts, insert the entries and their lines, which the database
 * checks and adds to the balances, publish the balance events), one client as one chain's
 * watcher is. Baseline: raw `pg`, BEGIN, the same 100 entry rows and 200 line rows (one
 * multi-row INSERT each) into copies of the journal tables with their indexes but without
 * triggers, COMMIT.
 *
 * Also measured (secondary figures): one deposit per transaction from 16 clients at once, both
 * sides. Every posting of a store in one asset updates the store's one WALLET balance row, so
 * Kassa's postings queue on that row lock until each commit; the baseline has no such row.
 *
 * Deposits go to 64 users of one store in BTC. Rounds alternate (baseline, Kassa, ×2); the
 * best of each counts.
 */

const BLOCK = 100;
const CONCURRENCY = 16;
const WARMUP_MS = 1_000;
const DURATION_MS = 5_000;
const ROUNDS = 2;
const USERS = 64;
/** Pending deposits created per Kassa round: more than a round can post. */
const PAYMENTS_PER_ROUND = 60_000;

type Mode = 'block' | 'concurrent';
interface Round extends LoadResult {
  side: 'baseline' | 'kassa';
  mode: Mode;
  /** Entries per second (a block operation posts BLOCK entries). */
  entriesPerSecond: number;
}

async function run(ctx: BenchContext) {
  const world = await prepareLedgerWorld(ctx);
  const database = connectDatabase(world.url, CONCURRENCY);
  const raw = new pg.Pool({
    connectionString: world.url,
    max: CONCURRENCY,
    application_name: 'kassa-bench-baseline',
  });
  for (const pool of [database.pool, raw]) pool.on('error', () => {});
  const chains = loadChainsConfig(new URL('../test/fixtures/chains.test.json', import.meta.url).pathname);
  const services = {
    db: database,
    chains,
    rates: buildRateService(chains.rates),
    log: pino({ level: 'silent' }),
    now: () => new Date(),
  } as unknown as Services;
  try {
    const users = await createUsers(raw, world, USERS);
    await raw.query(
      `CREATE TABLE bench_journal_entry (LIKE "JournalEntry" INCLUDING DEFAULTS INCLUDING INDEXES)`,
    );
    await raw.query(
      `CREATE TABLE bench_journal_line (LIKE "JournalLine" INCLUDING DEFAULTS INCLUDING INDEXES)`,
    );

    // One posting outside the measurement: it proves the path and gives the baseline its rows.
    const [first] = await createPayments(raw, world, users, 1);
    await post(services, [first]);
    const template = await readTemplate(raw, first.id);
    ctx.log(
      `verified: one deposit posted (${template.lines.length} lines, fiat ${template.entry.fiatValue})`,
    );

    const rounds: Round[] = [];
    for (const mode of ['block', 'concurrent'] as const) {
      const concurrency = mode === 'block' ? 1 : CONCURRENCY;
      const size = mode === 'block' ? BLOCK : 1;
      for (let i = 0; i < ROUNDS; i++) {
        let n = 0;
        const baseline = await runClosedLoop({
          concurrency,
          warmupMs: WARMUP_MS,
          durationMs: DURATION_MS,
          operation: () => insertRaw(raw, template, `bench:${mode}:${i}:${n++}`, size),
        });
        rounds.push(round(ctx, `${mode} round ${i + 1} baseline`, baseline, 'baseline', mode, size));
        const payments = await createPayments(raw, world, users, PAYMENTS_PER_ROUND);
        let next = 0;
        const kassa = await runClosedLoop({
          concurrency,
          warmupMs: WARMUP_MS,
          durationMs: DURATION_MS,
          operation: async () => {
            const batch = payments.slice(next, next + size);
            next += size;
            if (batch.length < size)
              throw new Error('ran out of prepared payments; raise PAYMENTS_PER_ROUND');
            await post(services, batch);
          },
        });
        rounds.push(round(ctx, `${mode} round ${i + 1} Kassa`, kassa, 'kassa', mode, size));
      }
    }
    const best = (side: Round['side'], mode: Mode) =>
      rounds
        .filter((r) => r.side === side && r.mode === mode)
        .reduce((a, b) => (b.entriesPerSecond > a.entriesPerSecond ? b : a));
    await checkBalances(ctx, raw);
    const kassa = best('kassa', 'block');
    const baseline = best('baseline', 'block');
    const concurrentKassa = best('kassa', 'concurrent');
    const concurrentBaseline = best('baseline', 'concurrent');
    return {
      measured: figure(`Kassa postPaymentChanges, blocks of ${BLOCK} deposits`, kassa, [
        {
          name: `${CONCURRENCY} clients × 1 deposit`,
          value: Math.round(concurrentKassa.entriesPerSecond),
          unit: 'entries/s',
        },
        { name: `${CONCURRENCY} clients p99`, value: ms(concurrentKassa.latencyMs.p99), unit: 'ms' },
      ]),
      baseline: figure(`raw pg INSERT of the same ${BLOCK} entries and ${BLOCK * 2} lines`, baseline, [
        {
          name: `${CONCURRENCY} clients × 1 entry`,
          value: Math.round(concurrentBaseline.entriesPerSecond),
          unit: 'entries/s',
        },
        { name: `${CONCURRENCY} clients p99`, value: ms(concurrentBaseline.latencyMs.p99), unit: 'ms' },
      ]),
      ratio: kassa.entriesPerSecond / baseline.entriesPerSecond,
      details: { rounds },
    };
  } finally {
    await raw.query('DROP TABLE IF EXISTS bench_journal_entry, bench_journal_line').catch(() => {});
    await raw.end();
    await database.close();
    await world.release();
  }
}

function round(
  ctx: BenchContext,
  tag: string,
  r: LoadResult,
  side: Round['side'],
  mode: Mode,
  size: number,
): Round {
  const entriesPerSecond = r.throughput * size;
  ctx.log(
    `${tag}: ${Math.round(entriesPerSecond)} entries/s, p99 ${r.latencyMs.p99.toFixed(1)} ms per transaction`,
  );
  return { ...r, side, mode, entriesPerSecond };
}

/** After all rounds: every kept balance still equals the sum of its lines. */
async function checkBalances(ctx: BenchContext, pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ ok: boolean }>(
    `SELECT bool_and(COALESCE(k.pending, 0) = COALESCE(s.pending, 0) AND COALESCE(k.confirmed, 0) = COALESCE(s.confirmed, 0)) AS ok
     FROM (SELECT "accountId", sum(pending) AS pending, sum(confirmed) AS confirmed
           FROM "LedgerBalanceSlot" GROUP BY 1) k
     FULL JOIN (
       SELECT "accountId", sum(amount) FILTER (WHERE part = 'PENDING') AS pending,
         sum(amount) FILTER (WHERE part = 'CONFIRMED') AS confirmed FROM "JournalLine" GROUP BY 1) s
     ON s."accountId" = k."accountId"`,
  );
  if (!rows[0].ok) throw new Error('after the run, a kept balance differs from the sum of its lines');
  ctx.log('checked: every kept balance equals the sum of its lines');
}

interface Prepared {
  id: string;
  userId: string;
  storeId: string;
}

async function post(services: Services, batch: readonly Prepared[]): Promise<void> {
  const changes = batch.map((p) => ({
    id: p.id,
    invoiceId: null,
    userId: p.userId,
    storeId: p.storeId,
    status: 'PENDING' as const,
    previousStatus: null,
  }));
  await services.db.prisma.$transaction((tx) => postPaymentChanges(services, tx, changes), {
    timeout: 30_000,
  });
}

async function createUsers(pool: pg.Pool, world: LedgerBenchWorld, n: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "User" (id, "storeId", "externalId", "updatedAt")
     SELECT gen_random_uuid(), $1, 'bench-' || g, now() FROM generate_series(1, $2::int) g RETURNING id`,
    [world.storeId, n],
  );
  return rows.map((r) => r.id);
}

async function createPayments(
  pool: pg.Pool,
  world: LedgerBenchWorld,
  users: string[],
  n: number,
): Promise<Prepared[]> {
  const tag = randomUUID().slice(0, 8);
  const { rows } = await pool.query<{ id: string; userId: string }>(
    `INSERT INTO "Payment" (id, "storeId", chain, txid, "outputIndex", asset, address, amount, "userId", status,
       confirmations, "requiredConfirmations", "seenAt", "updatedAt")
     SELECT gen_random_uuid(), $1, 'bitcoin', md5($4 || g) || md5(g || $4), 0, 'BTC', 'bc1qbench', 10000 + g,
       ($2::uuid[])[1 + g % array_length($2::uuid[], 1)], 'PENDING', 0, 1, now(), now()
     FROM generate_series(1, $3::int) g
     RETURNING id, "userId"`,
    [world.storeId, users, n, tag],
  );
  return rows.map((r) => ({ id: r.id, userId: r.userId, storeId: world.storeId }));
}

interface Template {
  entry: Record<string, unknown>;
  lines: Array<Record<string, unknown>>;
}

async function readTemplate(pool: pg.Pool, paymentId: string): Promise<Template> {
  const entry = await pool.query(`SELECT * FROM "JournalEntry" WHERE "paymentId" = $1`, [paymentId]);
  const lines = await pool.query(`SELECT * FROM "JournalLine" WHERE "entryId" = $1 ORDER BY id`, [
    entry.rows[0].id,
  ]);
  return { entry: entry.rows[0], lines: lines.rows };
}

/** `size` copies of the template entry (keys `key:0…`) and their lines, in one transaction. */
async function insertRaw(pool: pg.Pool, t: Template, key: string, size: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const e = t.entry;
    const keys = Array.from({ length: size }, (_, i) => `${key}:${i}`);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO bench_journal_entry ("storeId", "idempotencyKey", kind, status, asset, "paymentId", seq, "invoiceId",
         "userId", description, amount, "fiatCurrency", rate, "rateSource", "fiatValue", "createdAt")
       SELECT $1::uuid, k, $3::"JournalEntryKind", $4::"PaymentStatus", $5, $6::uuid, $7::int, $8, $9::uuid, $10,
         $11::numeric, $12, $13::numeric, $14, $15::numeric, $16::timestamptz FROM unnest($2::text[]) k
       RETURNING id`,
      [
        e.storeId,
        keys,
        e.kind,
        e.status,
        e.asset,
        e.paymentId,
        e.seq,
        e.invoiceId,
        e.userId,
        e.description,
        e.amount,
        e.fiatCurrency,
        e.rate,
        e.rateSource,
        e.fiatValue,
        e.createdAt,
      ],
    );
    const [a, b] = t.lines;
    await client.query(
      `INSERT INTO bench_journal_line ("entryId", "accountId", part, amount, "fiatValue", "createdAt")
       SELECT id, $2::uuid, $3::"LedgerPart", $4::numeric, $5::numeric, $6::timestamptz FROM unnest($1::bigint[]) id
       UNION ALL SELECT id, $7::uuid, $8::"LedgerPart", $9::numeric, $10::numeric, $6::timestamptz
       FROM unnest($1::bigint[]) id`,
      [
        rows.map((r) => r.id),
        a.accountId,
        a.part,
        a.amount,
        a.fiatValue,
        a.createdAt,
        b.accountId,
        b.part,
        b.amount,
        b.fiatValue,
      ],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function figure(label: string, r: Round, extra: NonNullable<Figure['secondary']>): Figure {
  return {
    label,
    value: Math.round(r.entriesPerSecond),
    unit: 'entries/s',
    secondary: [{ name: 'p99 per transaction', value: ms(r.latencyMs.p99), unit: 'ms' }, ...extra],
  };
}

const ms = (x: number) => Math.round(x * 100) / 100;

export const ledgerPostingBench: Benchmark = {
  name: 'ledger-posting',
  description: `postPaymentChanges of blocks of ${BLOCK} detected deposits vs raw pg INSERT of the same entries and lines (and ${CONCURRENCY} clients × 1)`,
  // No SPEC target: the issue asks for the figure. 10% guards against a regression.
  target: ratioAtLeast(0.1, '≥ 10% of raw INSERTs of the same rows (no SPEC target)'),
  run,
};
