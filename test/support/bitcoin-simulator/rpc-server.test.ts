import { Block, networks, Transaction } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { type StartedBitcoinSimulator, startBitcoinSimulator } from './index.ts';

const BIP84_ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const BIP84_SCRIPT = '0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2';
const GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

let btc: StartedBitcoinSimulator;

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(btc.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

/** A bitcoind-style call (JSON-RPC 1.0 envelope, as most clients send). */
async function rpc(method: string, ...params: unknown[]) {
  return post({ jsonrpc: '1.0', id: 'kassa', method, params });
}

async function result(method: string, ...params: unknown[]) {
  const { json } = await rpc(method, ...params);
  if (json.error) throw new Error(`${method}: ${json.error.message}`);
  return json.result;
}

beforeAll(async () => {
  btc = await startBitcoinSimulator({ network: networks.bitcoin });
});
afterAll(async () => {
  await btc.stop();
});

describe('Bitcoin Core JSON-RPC over the simulator', () => {
  it('serves the chain: info, count, hashes, raw and verbose blocks and headers', async () => {
    const info = await result('getblockchaininfo');
    expect(info).toMatchObject({
      chain: 'main',
      blocks: 120,
      headers: 120,
      bestblockhash: btc.sim.tip().hash,
    });
    expect(info.chainwork).toMatch(/^[0-9a-f]{64}$/);
    expect(await result('getblockcount')).toBe(120);
    expect(await result('getbestblockhash')).toBe(btc.sim.tip().hash);
    expect(await result('getblockhash', 0)).toBe(GENESIS);

    const hash = await result('getblockhash', 120);
    const hex = await result('getblock', hash, 0);
    expect(hex).toBe(toHex(btc.sim.rawBlock(hash)!));
    expect(Block.fromHex(hex).checkTxRoots()).toBe(true);
    const verbose = await result('getblock', hash, 1);
    expect(verbose).toMatchObject({
      hash,
      height: 120,
      confirmations: 1,
      previousblockhash: btc.sim.blockAt(119)!.hash,
    });
    expect(verbose.tx).toEqual(btc.sim.blockAt(120)!.txids);
    expect(verbose).not.toHaveProperty('nextblockhash');
    expect(await result('getblockheader', hash, false)).toBe(hex.slice(0, 160));
    expect(await result('getblockheader', hash)).toMatchObject({
      hash,
      height: 120,
      nTx: 1,
      bits: '207fffff',
    });
  });

  it('shows a payment to the BIP84 address in the mempool, then in a raw block', async () => {
    const txid = await btc.sim.pay(BIP84_ADDRESS, 123_456n, { rbf: true });
    expect(await result('getrawmempool')).toEqual([txid]);
    expect(await result('getrawmempool', false)).toEqual([txid]);
    const tx = Transaction.fromHex(await result('getrawtransaction', txid, false));
    expect(tx.getId()).toBe(txid);
    expect(tx.outs.some((o) => toHex(o.script) === BIP84_SCRIPT && o.value === 123_456n)).toBe(true);

    const { text, json } = await rpc('getmempoolentry', txid);
    expect(json.result).toMatchObject({
      vsize: 141,
      ancestorcount: 1,
      'bip125-replaceable': true,
      depends: [],
    });
    // Amounts are written like Core writes them: 8 decimals, never exponent notation.
    expect(text).toMatch(/"base":0\.00000282[,}]/);

    const [blockHash] = await btc.sim.mine();
    expect(await result('getrawmempool')).toEqual([]);
    expect(await result('getblock', blockHash, 0)).toContain(BIP84_SCRIPT);
    // txindex: confirmed transactions are still found.
    expect(await result('getrawtransaction', txid, 0)).toBe(toHex(btc.sim.rawTx(txid)!));
    expect(await result('getrawtransaction', txid, true)).toMatchObject({
      txid,
      blockhash: blockHash,
      confirmations: 1,
    });
  });

  it("accepts sendrawtransaction and rejects with Core's codes", async () => {
    const txid = await btc.sim.pay(BIP84_ADDRESS, 10_000n);
    const hex = toHex(btc.sim.rawTx(txid)!);
    btc.sim.dropFromMempool(txid);
    expect(await result('sendrawtransaction', hex)).toBe(txid);
    expect(await result('sendrawtransaction', hex)).toBe(txid); // already in mempool: fine
    expect((await rpc('sendrawtransaction', 'beef')).json.error).toEqual({
      code: -22,
      message: 'TX decode failed. Make sure the tx has at least one input.',
    });
    btc.sim.dropFromMempool(txid);
    // Another payment takes the coin the dropped one spent.
    const other = await btc.sim.pay(BIP84_ADDRESS, 20_000n);
    const outpoints = (tx: Transaction) => tx.ins.map((i) => [toHex(i.hash), i.index]);
    expect(outpoints(btc.sim.transaction(other)!)).toEqual(outpoints(Transaction.fromHex(hex)));
    await btc.sim.mine();
    expect((await rpc('sendrawtransaction', hex)).json.error).toEqual({
      code: -25,
      message: 'bad-txns-inputs-missingorspent',
    });
    expect((await rpc('sendrawtransaction', toHex(btc.sim.rawTx(other)!))).json.error).toEqual({
      code: -27,
      message: 'Transaction outputs already in utxo set',
    });
  });

  it("answers errors in Core's format and HTTP statuses", async () => {
    const unknown = 'ab'.repeat(32);
    const notFound = await rpc('getblock', unknown, 0);
    expect(notFound.status).toBe(500);
    expect(notFound.json).toEqual({
      result: null,
      error: { code: -5, message: 'Block not found' },
      id: 'kassa',
    });
    expect((await rpc('getblockhash', 99_999)).json.error).toEqual({
      code: -8,
      message: 'Block height out of range',
    });
    expect((await rpc('getblock', 'xyz')).json.error).toEqual({
      code: -8,
      message: "blockhash must be of length 64 (not 3, for 'xyz')",
    });
    expect((await rpc('getrawtransaction', unknown)).json.error.code).toBe(-5);
    expect((await rpc('getmempoolentry', unknown)).json.error).toEqual({
      code: -5,
      message: 'Transaction not in mempool',
    });
    const missing = await rpc('getwalletinfo');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toEqual({ code: -32601, message: 'Method not found' });
    const parse = await post('{not json');
    expect(parse.status).toBe(500);
    expect(parse.json.error.code).toBe(-32700);
    expect((await fetch(btc.rpcUrl)).status).toBe(405);
  });

  it('speaks strict JSON-RPC 2.0, named params and batches', async () => {
    const v2 = await post({ jsonrpc: '2.0', id: 7, method: 'getblock', params: ['ab'.repeat(32)] });
    expect(v2.status).toBe(200);
    expect(v2.json).toEqual({ jsonrpc: '2.0', error: { code: -5, message: 'Block not found' }, id: 7 });
    const ok = await post({ jsonrpc: '2.0', id: 8, method: 'getblockhash', params: { height: 0 } });
    expect(ok.json).toEqual({ jsonrpc: '2.0', result: GENESIS, id: 8 });
    const batch = await post([
      { jsonrpc: '1.0', id: 1, method: 'getblockcount', params: [] },
      { jsonrpc: '1.0', id: 2, method: 'getblockhash', params: [0] },
      { jsonrpc: '1.0', id: 3, method: 'nope', params: [] },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.json).toEqual([
      { result: btc.sim.height, error: null, id: 1 },
      { result: GENESIS, error: null, id: 2 },
      { result: null, error: { code: -32601, message: 'Method not found' }, id: 3 },
    ]);
  });

  it('counts requests and calls', async () => {
    const before = btc.rpc.requestCount;
    const calls = btc.rpc.calls.get('getblockcount') ?? 0;
    await rpc('getblockcount');
    await post([
      { method: 'getblockcount', id: 1 },
      { method: 'getblockcount', id: 2 },
    ]);
    expect(btc.rpc.requestCount).toBe(before + 2);
    expect(btc.rpc.calls.get('getblockcount')).toBe(calls + 3);
  });

  it('goes down (refused, 503, hanging) and comes back on the same URL', async () => {
    await btc.setDown(true);
    await expect(rpc('getblockcount')).rejects.toThrow();
    await btc.setDown(false);
    expect(await result('getblockcount')).toBe(btc.sim.height);

    await btc.setDown(true, '503');
    const busy = await fetch(btc.rpcUrl, { method: 'POST', body: '{}' });
    expect([busy.status, await busy.text()]).toEqual([503, 'Work queue depth exceeded']);
    await btc.setDown(false);

    await btc.setDown(true, 'hang');
    const hung = fetch(btc.rpcUrl, { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) });
    await expect(hung).rejects.toThrow(/timeout|aborted/i);
    await btc.setDown(false);
    expect(await result('getblockcount')).toBe(btc.sim.height);
  });
});

describe('RPC basic auth', () => {
  it('answers 401 without the right credentials', async () => {
    const node = await startBitcoinSimulator({
      initialBlocks: 1,
      rpc: { auth: { user: 'kassa', password: 'secret' } },
    });
    try {
      const call = (authorization?: string) =>
        fetch(node.rpcUrl, {
          method: 'POST',
          headers: authorization ? { authorization } : {},
          body: JSON.stringify({ id: 1, method: 'getblockcount', params: [] }),
        });
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="jsonrpc"');
      expect((await call(`Basic ${Buffer.from('kassa:wrong').toString('base64')}`)).status).toBe(401);
      const ok = await call(`Basic ${Buffer.from('kassa:secret').toString('base64')}`);
      expect(await ok.json()).toEqual({ result: 1, error: null, id: 1 });
    } finally {
      await node.stop();
    }
  });
});
