import { Block, networks, Transaction } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { type StartedBitcoinSimulator, startBitcoinSimulator } from './index.ts';

const BIP84_ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const BIP84_SCRIPT = '0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2';
const GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

let btc: StartedBitcoinSimulator;

async function get(path: string) {
  const res = await fetch(`${btc.esploraUrl}${path}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}
async function text(path: string) {
  const { status, bytes } = await get(path);
  return { status, body: Buffer.from(bytes).toString('utf8') };
}
async function json(path: string) {
  const { status, body } = await text(path);
  expect(status).toBe(200);
  return JSON.parse(body);
}

beforeAll(async () => {
  btc = await startBitcoinSimulator({ network: networks.bitcoin });
});
afterAll(async () => {
  await btc.stop();
});

describe('Esplora REST over the simulator', () => {
  it('serves tip, heights, raw blocks, headers and block status', async () => {
    expect(await text('/blocks/tip/height')).toEqual({ status: 200, body: '120' });
    expect(await text('/blocks/tip/hash')).toEqual({ status: 200, body: btc.sim.tip().hash });
    expect(await text('/block-height/0')).toEqual({ status: 200, body: GENESIS });

    const hash = btc.sim.blockAt(119)!.hash;
    const raw = await get(`/block/${hash}/raw`);
    expect(raw.type).toBe('application/octet-stream');
    expect(raw.bytes).toEqual(btc.sim.rawBlock(hash));
    expect(Block.fromBuffer(raw.bytes).checkProofOfWork()).toBe(true);
    expect((await text(`/block/${hash}/header`)).body).toBe(toHex(raw.bytes.subarray(0, 80)));
    expect(await json(`/block/${hash}/status`)).toEqual({
      in_best_chain: true,
      height: 119,
      next_best: btc.sim.tip().hash,
    });
    expect(await json(`/block/${btc.sim.tip().hash}/status`)).toEqual({
      in_best_chain: true,
      height: 120,
      next_best: null,
    });
    expect(await json(`/block/${hash}`)).toMatchObject({
      id: hash,
      height: 119,
      tx_count: 1,
      bits: 0x207fffff,
    });
  });

  it('shows a payment to the BIP84 address in the mempool, in its address history, then confirmed', async () => {
    const txid = await btc.sim.pay(BIP84_ADDRESS, 123_456n);
    expect(await json('/mempool/txids')).toEqual([txid]);
    const [tx] = await json(`/address/${BIP84_ADDRESS}/txs/mempool`);
    const entry = btc.sim.mempoolEntry(txid)!;
    expect(tx).toMatchObject({
      txid,
      version: 2,
      locktime: 120,
      size: entry.raw.length,
      weight: entry.weight,
      fee: Number(entry.fee),
      status: { confirmed: false },
    });
    expect(tx.vout[0]).toEqual({
      scriptpubkey: BIP84_SCRIPT,
      scriptpubkey_asm: 'OP_0 OP_PUSHBYTES_20 c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2',
      scriptpubkey_type: 'v0_p2wpkh',
      scriptpubkey_address: BIP84_ADDRESS,
      value: 123_456,
    });
    expect(tx.vin[0]).toMatchObject({
      vout: expect.any(Number),
      is_coinbase: false,
      sequence: 0xfffffffe,
      scriptsig: '',
      prevout: { scriptpubkey_address: btc.sim.walletAddress, scriptpubkey_type: 'v0_p2wpkh' },
    });
    expect(tx.vin[0].witness).toHaveLength(2);
    // The payer's own address history shows the spend too.
    expect(
      (await json(`/address/${btc.sim.walletAddress}/txs/mempool`)).map((t: { txid: string }) => t.txid),
    ).toEqual([txid]);

    const raw = await get(`/tx/${txid}/raw`);
    expect(Transaction.fromBuffer(raw.bytes).getId()).toBe(txid);
    expect((await text(`/tx/${txid}/hex`)).body).toBe(toHex(raw.bytes));
    expect(await json(`/tx/${txid}/status`)).toEqual({ confirmed: false });

    const [hash] = await btc.sim.mine();
    const block = btc.sim.block(hash)!;
    expect(await json(`/tx/${txid}/status`)).toEqual({
      confirmed: true,
      block_height: block.height,
      block_hash: hash,
      block_time: block.time,
    });
    expect(await json(`/address/${BIP84_ADDRESS}/txs/mempool`)).toEqual([]);
    expect(toHex((await get(`/block/${hash}/raw`)).bytes)).toContain(BIP84_SCRIPT);
  });

  it("answers unknown things with electrs' statuses and plain-text messages", async () => {
    const unknown = 'cd'.repeat(32);
    expect(await text(`/block/${unknown}/raw`)).toEqual({ status: 404, body: 'Block not found' });
    expect(await text(`/tx/${unknown}/hex`)).toEqual({ status: 404, body: 'Transaction not found' });
    expect(await text('/block-height/99999')).toEqual({ status: 404, body: 'Block not found' });
    expect(await text('/tx/xyz/raw')).toEqual({ status: 400, body: 'Invalid hash string' });
    expect(await text('/nope')).toEqual({ status: 404, body: 'endpoint does not exist "/nope"' });
    expect(await json(`/tx/${unknown}/status`)).toEqual({ confirmed: false });
    expect(await json(`/block/${unknown}/status`)).toEqual({
      in_best_chain: false,
      height: null,
      next_best: null,
    });
    const testnet = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx';
    expect(await text(`/address/${testnet}/txs/mempool`)).toEqual({
      status: 400,
      body: 'Address on invalid network',
    });
  });

  it('broadcasts with POST /tx and relays rejections as bitcoind errors', async () => {
    const txid = await btc.sim.pay(BIP84_ADDRESS, 5_000n);
    const hex = toHex(btc.sim.rawTx(txid)!);
    btc.sim.dropFromMempool(txid);
    const post = (body: string) => fetch(`${btc.esploraUrl}/tx`, { method: 'POST', body });
    const ok = await post(hex);
    expect([ok.status, await ok.text()]).toEqual([200, txid]);
    const bad = await post('00');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe(
      'sendrawtransaction RPC error: {"code":-22,"message":"TX decode failed. Make sure the tx has at least one input."}',
    );
    await btc.sim.mine();
  });

  it('follows reorgs: heights point at the new branch, old blocks turn stale', async () => {
    const old = btc.sim.tip();
    const [replacement] = await btc.sim.reorg(1);
    expect((await text(`/block-height/${old.height}`)).body).toBe(replacement);
    expect(await json(`/block/${old.hash}/status`)).toEqual({
      in_best_chain: false,
      height: null,
      next_best: null,
    });
    expect((await get(`/block/${old.hash}/raw`)).status).toBe(200);
    expect((await text('/blocks/tip/height')).body).toBe(String(old.height + 1));
  });

  it('counts route calls and goes down and back', async () => {
    const before = btc.esplora.calls.get('GET /blocks/tip/height') ?? 0;
    await text('/blocks/tip/height');
    expect(btc.esplora.calls.get('GET /blocks/tip/height')).toBe(before + 1);

    await btc.setDown(true);
    await expect(fetch(`${btc.esploraUrl}/blocks/tip/height`)).rejects.toThrow();
    await btc.setDown(false);
    await btc.setDown(true, '503');
    expect((await text('/blocks/tip/height')).status).toBe(503);
    await btc.setDown(false);
    expect(await text('/blocks/tip/height')).toEqual({ status: 200, body: String(btc.sim.height) });
  });
});
