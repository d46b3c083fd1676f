import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { pino } from 'pino';
import { createPublicClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CHAIN_NAME } from '../../src/dev-chain/dev-chain-config.ts';
import { readDevChainFile } from '../../src/dev-chain/dev-chain-file.ts';
import { devWalletExtendedKey } from '../../src/dev-chain/dev-wallet.ts';
import { graphql, until } from '../checkout/support/checkout-world.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

interface LogLine {
  level: number;
  msg: string;
  apiKey?: string;
  storeId?: string;
  devStoreId?: string;
}

let db: TestDatabase;
let sql: pg.Pool;
let dataDir: string;
let kassa: RunningKassa | undefined;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = testPool(db.url, 2);
  dataDir = mkdtempSync(join(tmpdir(), 'kassa-dev-chain-'));
});

afterAll(async () => {
  await kassa?.stop();
  await sql?.end();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Kassa with no chains configured (the dev chain on), its log lines collected. */
async function start(): Promise<LogLine[]> {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  kassa = await startKassa(db.url, { KASSA_DATA_DIR: dataDir }, { devChain: true, logger });
  return logs;
}

async function stop() {
  await kassa?.stop();
  kassa = undefined;
}

/** `node src/cli.ts pay ...` as a separate process, as a newcomer runs it. */
function pay(...args: string[]) {
  return run(process.execPath, ['src/cli.ts', 'pay', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, KASSA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  });
}

async function newInvoice(assets: string[]) {
  const data = await graphql<{
    createInvoice: { id: string; paymentMethods: Array<{ asset: string; amountDue: string }> };
  }>(
    kassa!.graphqlUrl,
    apiKey,
    'mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id paymentMethods { asset amountDue } } }',
    { i: { price: '12', currency: 'EUR', assets } },
  );
  return data.createInvoice;
}

async function invoiceRow(id: string) {
  const { rows } = await sql.query(
    'SELECT status::text, "exceptionStatus"::text AS exception FROM "Invoice" WHERE id = $1',
    [id],
  );
  return rows[0] as { status: string; exception: string };
}

const waitForStatus = (id: string, status: string) =>
  until(async () => (await invoiceRow(id)).status === status, `${id} ${status}`, 20_000);

const devWarnings = (logs: LogLine[]) =>
  logs.filter((l) => l.level === 40 && l.msg.startsWith('DEVELOPMENT ONLY'));

describe('the local development chain', { timeout: 90_000 }, () => {
  let firstToken: string;
  let firstStoreId: string;
  let settledBeforeRestart: string;

  it('starts anvil, deploys the token and creates the development store as the first store, saying loudly that it is for development', async () => {
    const logs = await start();
    const created = logs.find((l) => l.msg.startsWith('created the development store'));
    expect(created?.apiKey).toMatch(/^kassa_sk_/);
    apiKey = created!.apiKey!;
    firstStoreId = created!.storeId!;
    expect(devWarnings(logs)).toHaveLength(1);
    expect(devWarnings(logs)[0].devStoreId).toBe(firstStoreId);
    // The dev store is the first store: no second "first store" with a key of its own.
    expect(logs.filter((l) => l.apiKey)).toHaveLength(1);

    const file = readDevChainFile(dataDir)!;
    firstToken = file.token;
    const client = createPublicClient({ transport: http(file.rpcUrl) });
    expect(await client.getChainId()).toBe(31337);
    expect(await client.getCode({ address: file.token as `0x${string}` })).toMatch(/^0x[0-9a-f]{100,}/);

    const { rows } = await sql.query(
      'SELECT s.id, s.name, w.chain, w."extendedKey" FROM "Store" s JOIN "Wallet" w ON w."storeId" = s.id',
    );
    expect(rows).toEqual([
      {
        id: firstStoreId,
        name: 'Development store',
        chain: DEV_CHAIN_NAME,
        extendedKey: devWalletExtendedKey(),
      },
    ]);
  });

  it('pays an ETH invoice with `kassa pay` (default: what remains due) and the invoice settles', async () => {
    const invoice = await newInvoice(['ETH', 'USDT_ETH']);
    const { stdout, stderr } = await pay(invoice.id);
    expect(stdout.trim()).toMatch(/^0x[0-9a-f]{64}$/);
    expect(stderr).toContain('sent 0.004 ETH from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    // The dev miner adds the confirmations (3) while the payment waits.
    await waitForStatus(invoice.id, 'SETTLED');
    expect(await invoiceRow(invoice.id)).toEqual({ status: 'SETTLED', exception: 'NONE' });
    settledBeforeRestart = invoice.id;
  });

  it('pays USDT_ETH in two parts with --asset and --amount', async () => {
    const invoice = await newInvoice(['USDT_ETH']);
    expect(invoice.paymentMethods[0].amountDue).toBe('13043479'); // 12 EUR at 0.92 EUR/USDT, rounded up
    await pay(invoice.id, '--asset', 'usdt_eth', '--amount', '5');
    await until(async () => (await invoiceRow(invoice.id)).exception === 'PAID_PARTIAL', 'PAID_PARTIAL');
    const { stderr } = await pay(invoice.id, '--asset', 'USDT_ETH');
    expect(stderr).toContain('sent 8.043479 USDT_ETH');
    await waitForStatus(invoice.id, 'SETTLED');
  });

  it('refuses what it cannot do with a one-line reason', async () => {
    await expect(pay('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({
      code: 1,
      stderr: 'kassa pay: no invoice AAAAAAAAAAAAAAAAAAAAAA\n',
    });
    await expect(pay(settledBeforeRestart)).rejects.toMatchObject({
      stderr: expect.stringContaining('nothing remains to pay'),
    });
    const invoice = await newInvoice(['ETH']);
    await expect(pay(invoice.id, '--asset', 'BTC')).rejects.toMatchObject({
      stderr: expect.stringContaining('cannot be paid in BTC; it offers ETH'),
    });
    await expect(pay(invoice.id, '--amount', '0.1234567890123456789')).rejects.toMatchObject({
      stderr: expect.stringContaining('at most 18 decimal places'),
    });
  });

  it('keeps its chain, token and store across a restart, and warns again', async () => {
    await stop();
    const logs = await start();
    expect(logs.filter((l) => l.apiKey)).toEqual([]);
    expect(devWarnings(logs)).toHaveLength(1);
    expect(devWarnings(logs)[0].devStoreId).toBe(firstStoreId);
    expect(readDevChainFile(dataDir)!.token).toBe(firstToken);
    expect((await sql.query('SELECT count(*)::int AS n FROM "Store"')).rows[0].n).toBe(1);
    expect(logs.some((l) => l.msg.includes('created anew'))).toBe(false);

    const invoice = await newInvoice(['ETH']);
    await pay(invoice.id);
    await waitForStatus(invoice.id, 'SETTLED');
    expect((await invoiceRow(settledBeforeRestart)).status).toBe('SETTLED');
  });

  it('starts over from a new chain when its state file is gone, leaving recorded invoices as they were', async () => {
    await stop();
    rmSync(join(dataDir, 'dev-chain', 'anvil-state.json'));
    const logs = await start();
    expect(logs.some((l) => l.msg.includes('created anew'))).toBe(true);
    // anvil writes its new state within a second.
    await until(async () => existsSync(join(dataDir, 'dev-chain', 'anvil-state.json')), 'a new state file');

    const invoice = await newInvoice(['ETH', 'USDT_ETH']);
    await pay(invoice.id, '--asset', 'USDT_ETH');
    await waitForStatus(invoice.id, 'SETTLED');
    expect((await invoiceRow(settledBeforeRestart)).status).toBe('SETTLED');
    await stop();
  });
});
