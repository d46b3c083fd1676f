import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddWalletDocument,
  CreateApiKeyDocument,
  CreateInvoiceDocument,
  WalletsDocument,
} from '../graphql/generated/graphql.ts';
import { BTC_XPUB, ETH_XPUB, TEST_CHAINS_PATH } from '../support/chains.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, startKassa } from '../support/kassa.ts';
import {
  hdKeyAt,
  makeStore,
  pubAt,
  scalar,
  sqlPool,
  type TestStore,
  VECTORS,
  VERSIONS,
  writeSnapshot,
} from './support.ts';

let db: TestDatabase;
let kassa: RunningKassa;
let sql: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_CHAINS_CONFIG: TEST_CHAINS_PATH });
  sql = sqlPool(db.url);
});

afterAll(async () => {
  await sql?.end();
  await kassa?.stop();
  await db?.drop();
});

/** The first receive address the newest wallet of the store hands out, through an invoice. */
async function firstAddress(store: TestStore, asset: string): Promise<string> {
  const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
    input: { price: '10', currency: 'EUR', assets: [asset] },
  });
  expect(createInvoice.paymentMethods).toHaveLength(1);
  return createInvoice.paymentMethods[0].address;
}

describe('addWallet: published vectors through invoices', () => {
  it('takes the BIP84 zpub: p2wpkh, normalized to its xpub, pool pre-derived, first address bc1qcr8te…', async () => {
    const store = await makeStore(kassa, db.url, 'zpub store');
    const { addWallet } = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: VECTORS.bip84Zpub, label: 'shop' },
    });
    expect(addWallet).toMatchObject({
      chain: 'bitcoin',
      scriptType: 'p2wpkh',
      extendedKey: BTC_XPUB,
      label: 'shop',
    });
    // The pool is ready before the first invoice asks for an address.
    expect(addWallet.derivedCount).toBeGreaterThan(0);
    const free = await scalar(
      sql,
      `SELECT count(*)::int FROM "Address" WHERE "walletId" = $1 AND state = 'FREE'`,
      [addWallet.id],
    );
    expect(free).toBe(addWallet.derivedCount);

    expect(await firstAddress(store, 'BTC')).toBe(VECTORS.bip84First);
    expect(await firstAddress(store, 'BTC')).toBe(VECTORS.bip84Second);
  });

  it('treats the same account pasted as xpub with scriptType p2wpkh as the same wallet', async () => {
    const store = await makeStore(kassa, db.url, 'same key store');
    const first = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/2'", VERSIONS.zpub) },
    });
    expect(first.addWallet.scriptType).toBe('p2wpkh');
    const before = await writeSnapshot(sql);
    const again = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/2'"), scriptType: 'p2wpkh' },
    });
    expect(again.addWallet.id).toBe(first.addWallet.id);
    expect(await writeSnapshot(sql)).toEqual(before);
  });

  it('derives BIP49 (ypub), BIP44 (xpub) and BIP86 (xpub + p2tr) first addresses', async () => {
    const store = await makeStore(kassa, db.url, 'script types store');
    const ypub = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/49'/0'/0'", VERSIONS.ypub) },
    });
    expect(ypub.addWallet.scriptType).toBe('p2sh-p2wpkh');
    expect(await firstAddress(store, 'BTC')).toBe(VECTORS.bip49First);

    const xpub = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/44'/0'/0'") },
    });
    expect(xpub.addWallet.scriptType).toBe('p2pkh');
    expect(await firstAddress(store, 'BTC')).toBe(VECTORS.bip44First);

    const taproot = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin', extendedKey: pubAt("m/86'/0'/0'"), scriptType: 'p2tr' },
    });
    expect(taproot.addWallet.scriptType).toBe('p2tr');
    expect(await firstAddress(store, 'BTC')).toBe(VECTORS.bip86First);
  });

  it("derives the Ethereum m/44'/60'/0'/0/i addresses, shared by ETH and USDT_ETH on one invoice", async () => {
    const store = await makeStore(kassa, db.url, 'eth store');
    const { addWallet } = await run(store.api, AddWalletDocument, {
      input: { chain: 'ethereum', extendedKey: ETH_XPUB },
    });
    expect(addWallet).toMatchObject({ chain: 'ethereum', scriptType: 'evm', extendedKey: ETH_XPUB });
    const { createInvoice } = await run(store.api, CreateInvoiceDocument, {
      input: { price: '10', currency: 'EUR' },
    });
    const byAsset = Object.fromEntries(createInvoice.paymentMethods.map((m) => [m.asset, m.address]));
    expect(byAsset).toEqual({ ETH: VECTORS.ethFirst, USDT_ETH: VECTORS.ethFirst });
    // The first address is taken by an open invoice, so the next invoice gets the second.
    expect(await firstAddress(store, 'ETH')).toBe(VECTORS.ethSecond);
  });

  it("derives Bitcoin Cash cashaddr addresses from an m/44'/145'/0' xpub", async () => {
    const store = await makeStore(kassa, db.url, 'bch store');
    const { addWallet } = await run(store.api, AddWalletDocument, {
      input: { chain: 'bitcoin-cash', extendedKey: pubAt("m/44'/145'/0'") },
    });
    expect(addWallet.scriptType).toBe('p2pkh');
    expect(await firstAddress(store, 'BCH')).toBe(VECTORS.bchFirst);
  });

  it('lists the store wallets newest first, to keys with wallets:manage only', async () => {
    const store = await makeStore(kassa, db.url, 'listing store', 3);
    const { wallets } = await run(store.api, WalletsDocument);
    expect(wallets.map((w) => w.chain)).toEqual(['ethereum', 'bitcoin']);
    expect(wallets.map((w) => w.extendedKey)).toEqual([pubAt("m/44'/60'/3'"), pubAt("m/84'/0'/3'")]);

    const { createApiKey } = await run(store.api, CreateApiKeyDocument, {
      input: { label: 'invoices only', scopes: ['invoices:read', 'invoices:write'] },
    });
    const limited = client(kassa.graphqlUrl, createApiKey.secret);
    await expectCode(run(limited, WalletsDocument), 'FORBIDDEN');
    await expectCode(
      run(limited, AddWalletDocument, { input: { chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/4'") } }),
      'FORBIDDEN',
    );
  });
});

describe('addWallet refusals: typed errors, nothing written', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await makeStore(kassa, db.url, 'refusals store');
  });

  async function expectRefused(
    input: { chain: string; extendedKey: string; scriptType?: string; label?: string },
    code: string,
  ) {
    const before = await writeSnapshot(sql);
    const addresses = await scalar(sql, 'SELECT count(*)::int FROM "Address"');
    const error = await expectCode(run(store.api, AddWalletDocument, { input }), code);
    expect(await writeSnapshot(sql)).toEqual(before);
    expect(await scalar(sql, 'SELECT count(*)::int FROM "Address"')).toBe(addresses);
    expect(await scalar(sql, 'SELECT count(*)::int FROM "Wallet" WHERE "storeId" = $1', [store.id])).toBe(0);
    return error;
  }

  it('refuses an xprv, never echoing the private key back', async () => {
    const xprv = hdKeyAt("m/84'/0'/0'").privateExtendedKey;
    expect(xprv.startsWith('xprv')).toBe(true);
    const error = await expectRefused({ chain: 'bitcoin', extendedKey: xprv }, 'INVALID_XPUB');
    expect(error.message).toMatch(/private/i);
    expect(JSON.stringify(error)).not.toContain(xprv.slice(4, 40));
  });

  it('refuses a zprv, and an xprv on an EVM chain', async () => {
    const zprv = hdKeyAt("m/84'/0'/0'", VERSIONS.zpub).privateExtendedKey;
    expect(zprv.startsWith('zprv')).toBe(true);
    await expectRefused({ chain: 'bitcoin', extendedKey: zprv }, 'INVALID_XPUB');
    await expectRefused(
      { chain: 'ethereum', extendedKey: hdKeyAt("m/44'/60'/0'").privateExtendedKey },
      'INVALID_XPUB',
    );
  });

  it('refuses a private key with a typo as a private key', async () => {
    const xprv = hdKeyAt("m/84'/0'/0'").privateExtendedKey;
    const typo = `${xprv.slice(0, -1)}${xprv.endsWith('a') ? 'b' : 'a'}`;
    const error = await expectRefused({ chain: 'bitcoin', extendedKey: typo }, 'INVALID_XPUB');
    expect(error.message).toMatch(/private/i);
  });

  it('refuses a tpub on mainnet bitcoin', async () => {
    const tpub = pubAt("m/84'/1'/0'", VERSIONS.tpub);
    expect(tpub.startsWith('tpub')).toBe(true);
    await expectRefused({ chain: 'bitcoin', extendedKey: tpub }, 'INVALID_XPUB');
  });

  it('refuses keys of the wrong family or script type for the chain', async () => {
    // A zpub announces p2wpkh, which Bitcoin Cash does not have.
    await expectRefused({ chain: 'bitcoin-cash', extendedKey: VECTORS.bip84Zpub }, 'INVALID_XPUB');
    // SLIP-132 keys name their script type; it cannot be overridden.
    await expectRefused(
      { chain: 'bitcoin', extendedKey: VECTORS.bip84Zpub, scriptType: 'p2pkh' },
      'INVALID_XPUB',
    );
    // Ethereum takes plain xpubs only.
    await expectRefused({ chain: 'ethereum', extendedKey: VECTORS.bip84Zpub }, 'INVALID_XPUB');
  });

  it('refuses keys below the account level', async () => {
    await expectRefused({ chain: 'bitcoin', extendedKey: pubAt("m/84'/0'/0'/0/5") }, 'INVALID_XPUB');
    await expectRefused({ chain: 'ethereum', extendedKey: pubAt("m/44'/60'/0'/0/0") }, 'INVALID_XPUB');
  });

  it('refuses garbage, an address, an empty key and a broken checksum', async () => {
    await expectRefused({ chain: 'bitcoin', extendedKey: 'hello world' }, 'INVALID_XPUB');
    await expectRefused(
      { chain: 'bitcoin', extendedKey: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA' },
      'INVALID_XPUB',
    );
    await expectRefused({ chain: 'bitcoin', extendedKey: VECTORS.bip84First }, 'INVALID_XPUB');
    await expectRefused({ chain: 'bitcoin', extendedKey: '   ' }, 'INVALID_XPUB');
    const broken = `${BTC_XPUB.slice(0, 20)}${BTC_XPUB[20] === 'A' ? 'B' : 'A'}${BTC_XPUB.slice(21)}`;
    await expectRefused({ chain: 'bitcoin', extendedKey: broken }, 'INVALID_XPUB');
  });

  it('refuses a key another store already uses with CONFLICT, in any of its spellings', async () => {
    // The vectors above gave these keys to other stores.
    await expectRefused({ chain: 'bitcoin', extendedKey: VECTORS.bip84Zpub }, 'CONFLICT');
    await expectRefused({ chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2tr' }, 'CONFLICT');
    await expectRefused({ chain: 'ethereum', extendedKey: ETH_XPUB }, 'CONFLICT');
  });

  it('refuses an unknown chain, an unknown script type and an over-long label with VALIDATION', async () => {
    await expectRefused({ chain: 'dogecoin', extendedKey: BTC_XPUB }, 'VALIDATION');
    await expectRefused({ chain: 'bitcoin', extendedKey: BTC_XPUB, scriptType: 'p2wsh' }, 'VALIDATION');
    await expectRefused({ chain: 'ethereum', extendedKey: ETH_XPUB, scriptType: 'p2wpkh' }, 'VALIDATION');
    await expectRefused({ chain: 'bitcoin', extendedKey: BTC_XPUB, label: 'x'.repeat(101) }, 'VALIDATION');
  });
});
