import { networks } from 'bitcoinjs-lib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyKassaSignature } from '../../docs/examples/kassa-webhook-receiver.ts';
import { parseChainsConfig } from '../../src/chains/chains-config.ts';
import {
  CreateWebhookEndpointDocument,
  WebhooksAddWalletDocument,
  WebhooksCreateDepositAddressDocument,
  WebhooksCreateInvoiceDocument,
  WebhooksCreateUserDocument,
} from '../graphql/generated/graphql.ts';
import { sqlPool, until } from '../invoices/support.ts';
import { type StartedBitcoinSimulator, startBitcoinSimulator } from '../support/bitcoin-simulator/index.ts';
import { BTC_XPUB } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { type Received, Receiver } from './support/receiver.ts';

/**
 * Payment and deposit webhooks caused by a real watcher: the Bitcoin regtest simulator over
 * JSON-RPC, BTC at 60,000 EUR, 1 confirmation up to 1,000 EUR (0 up to 50 EUR without RBF).
 */
function chainsJson(url: string) {
  return {
    chains: {
      bitcoin: {
        family: 'utxo',
        coin: 'bitcoin',
        network: 'mainnet',
        backend: { kind: 'bitcoind', url },
        pollIntervalSeconds: 0.2,
        reversalDepth: 1,
      },
    },
    assets: {
      BTC: {
        chain: 'bitcoin',
        decimals: 8,
        confirmations: {
          currency: 'EUR',
          tiers: [
            { maxValue: '50', confirmations: 0 },
            { maxValue: '1000', confirmations: 1 },
          ],
          confirmations: 3,
        },
      },
    },
    rates: { providers: [{ kind: 'fixed', rates: { 'BTC/EUR': '60000' } }] },
  };
}

let db: TestDatabase;
let btc: StartedBitcoinSimulator;
let kassa: RunningKassa;
let sql: pg.Pool;
let receiver: Receiver;
let admin: ReturnType<typeof client>;
let secret: string;

const body = (r: Received) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> };

async function atTip() {
  const tip = btc.sim.tip();
  await until(async () => {
    const { rows } = await sql.query(`SELECT height, hash FROM "ChainCursor" WHERE chain = 'bitcoin'`);
    return rows[0]?.height === tip.height && rows[0]?.hash === tip.hash;
  }, `the watcher at ${tip.height}`);
}

function webhook(type: string, key: string, value: unknown): Promise<Received> {
  return until(
    async () => receiver.received.find((r) => body(r).type === type && body(r).data[key] === value),
    `${type} with ${key} ${String(value)}`,
    20_000,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  btc = await startBitcoinSimulator({ network: networks.bitcoin });
  sql = sqlPool(db.url);
  kassa = await startKassa(
    db.url,
    { KASSA_WEBHOOK_ALLOW_PRIVATE: 'true' },
    { chains: parseChainsConfig(chainsJson(btc.rpcUrl)) },
  );
  receiver = await Receiver.start();
  const seeded = await seedStore(db.url, 'Chain shop');
  admin = client(kassa.graphqlUrl, seeded.apiKey.secret);
  await run(admin, WebhooksAddWalletDocument, {
    input: { chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wpkh' },
  });
  const { createWebhookEndpoint } = await run(admin, CreateWebhookEndpointDocument, {
    input: { url: `${receiver.url}/chain`, events: ['*'] },
  });
  secret = createWebhookEndpoint.secret;
  await atTip();
});

afterAll(async () => {
  await receiver?.down();
  await kassa?.stop();
  await sql?.end();
  await btc?.stop();
  await db?.drop();
});

describe('webhooks caused by payments on chain', { timeout: 60_000 }, () => {
  it('invoice.payment_detected and invoice.processing from the mempool, invoice.settled at 1 confirmation', async () => {
    const { createInvoice } = await run(admin, WebhooksCreateInvoiceDocument, {
      input: { price: '500', currency: 'EUR', assets: ['BTC'], orderId: 'chain-1' },
    });
    const { address } = createInvoice.paymentMethods[0];
    const txid = await btc.sim.pay(address, 833_334n);

    const detected = await webhook('invoice.payment_detected', 'invoiceId', createInvoice.id);
    expect(verifyKassaSignature(detected.body, detected.headers['kassa-signature'] as string, secret)).toBe(
      true,
    );
    const data = body(detected).data;
    expect(data).toMatchObject({ orderId: 'chain-1', price: '500', currency: 'EUR' });
    expect(data.payment).toEqual({
      id: data.paymentId,
      chain: 'bitcoin',
      asset: 'BTC',
      address,
      txid,
      outputIndex: 0,
      amount: '833334',
      status: 'PENDING',
      confirmations: 0,
      requiredConfirmations: 1,
    });
    const processing = await webhook('invoice.processing', 'invoiceId', createInvoice.id);
    expect(body(processing).data).toMatchObject({ status: 'PROCESSING', exceptionStatus: 'NONE' });

    await btc.sim.mine(1);
    const settled = await webhook('invoice.settled', 'invoiceId', createInvoice.id);
    expect(body(settled).data).toMatchObject({ status: 'SETTLED', orderId: 'chain-1' });
    const types = receiver.received
      .filter((r) => body(r).data.invoiceId === createInvoice.id)
      .map((r) => body(r).type);
    expect(types.sort()).toEqual([
      'invoice.created',
      'invoice.payment_detected',
      'invoice.processing',
      'invoice.settled',
    ]);
  });

  it("deposit.detected, deposit.confirmed, and deposit.reversed for a user's deposit address", async () => {
    const { createUser } = await run(admin, WebhooksCreateUserDocument, {
      input: { externalId: 'investor-1' },
    });
    const { createDepositAddress } = await run(admin, WebhooksCreateDepositAddressDocument, {
      userId: createUser.id,
      asset: 'BTC',
    });
    await atTip();
    const txid = await btc.sim.pay(createDepositAddress.address, 100_000n);
    const detected = await webhook('deposit.detected', 'txid', txid);
    expect(body(detected).data).toMatchObject({
      userId: createUser.id,
      externalId: 'investor-1',
      chain: 'bitcoin',
      asset: 'BTC',
      address: createDepositAddress.address,
      amount: '100000',
      status: 'PENDING',
      requiredConfirmations: 1,
    });
    await btc.sim.mine(1);
    const confirmed = await webhook('deposit.confirmed', 'txid', txid);
    expect(body(confirmed).data).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    expect(body(confirmed).data.paymentId).toBe(body(detected).data.paymentId);

    // A second deposit, double-spent by a block before it confirms.
    const doomed = await btc.sim.pay(createDepositAddress.address, 50_000n);
    await webhook('deposit.detected', 'txid', doomed);
    const rival = await btc.sim.doubleSpend(doomed, undefined, { into: 'aside' });
    await btc.sim.mineConflicting(rival);
    const reversed = await until(
      async () => {
        const found = receiver.received.find(
          (r) => body(r).type === 'deposit.reversed' && body(r).data.txid === doomed,
        );
        if (!found) await btc.sim.mine(1);
        return found;
      },
      'deposit.reversed',
      30_000,
    );
    expect(body(reversed).data).toMatchObject({
      status: 'REVERSED',
      amount: '50000',
      externalId: 'investor-1',
    });
  });
});
