import { randomBytes } from 'node:crypto';
import { Block, networks, payments } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StartedBitcoinSimulator,
  startBitcoinSimulator,
} from '../../../test/support/bitcoin-simulator/index.ts';
import { BackendConfigError } from './backend-config-error.ts';
import { createBitcoindBackend } from './bitcoind-backend.ts';
import { createEsploraBackend } from './esplora-backend.ts';
import { matchBlock } from './match-block.ts';
import { scriptKey } from './match-types.ts';
import { parseTransaction } from './parse-transaction.ts';
import { NodeUnavailableError, type UtxoBackend } from './utxo-backend.ts';

// Both adapters against the regtest simulator, which serves real serialized blocks and
// transactions over Bitcoin Core JSON-RPC and Esplora REST: payments must be found in the
// mempool and in blocks, with the txids, values and RBF signals the chain has.

function newAddress() {
  const payment = payments.p2wpkh({ hash: randomBytes(20), network: networks.regtest });
  return { address: payment.address!, script: payment.output! };
}

const USER = 'kassa';
const PASSWORD = 'p@ss:word';

describe.each(['bitcoind', 'esplora'] as const)('%s backend against the simulator', (kind) => {
  let btc: StartedBitcoinSimulator;
  let backend: UtxoBackend;
  const connect = (timeoutMs?: number) =>
    kind === 'bitcoind'
      ? createBitcoindBackend({
          url: btc.rpcUrl.replace('//', `//${USER}:${encodeURIComponent(PASSWORD)}@`),
          timeoutMs,
        })
      : createEsploraBackend({ url: btc.esploraUrl, timeoutMs });

  beforeAll(async () => {
    btc = await startBitcoinSimulator({ rpc: { auth: { user: USER, password: PASSWORD } } });
    backend = connect();
  });
  afterAll(async () => {
    await btc?.stop();
  });

  it('reads the tip, block hashes and raw blocks the chain has', async () => {
    const tip = await backend.getTip();
    expect(tip).toEqual(btc.sim.tip());
    expect(await backend.getBlockHash(tip.height - 1)).toBe(btc.sim.blockAt(tip.height - 1)!.hash);
    const raw = await backend.getRawBlock(tip.hash);
    expect(Block.fromBuffer(raw).getId()).toBe(tip.hash);
    expect(matchBlock(raw, new Set(), new Set())).toMatchObject({ hash: tip.hash, txCount: 1 });
  });

  it('sees a payment in the mempool once, then in its block', async () => {
    const { address, script } = newAddress();
    const txid = await btc.sim.pay(address, 125_000n, { rbf: true });

    const fresh = (await backend.getMempoolTransactions([address]).then((m) => m.fresh)).map(
      parseTransaction,
    );
    const payment = fresh.find((tx) => tx.txid === txid);
    expect(payment?.signalsRbf).toBe(true);
    expect(payment?.outputs.filter((o) => scriptKey(o.script) === scriptKey(script))).toEqual([
      expect.objectContaining({ value: 125_000n, script }),
    ]);
    const again = await backend.getMempoolTransactions([address]);
    // Not returned twice, but still reported as in the mempool.
    expect(again.fresh.map(parseTransaction).map((tx) => tx.txid)).not.toContain(txid);
    expect(again.txids.has(txid)).toBe(true);

    const [hash] = await btc.sim.mine();
    // Mined: no longer in the mempool view.
    expect((await backend.getMempoolTransactions([address])).txids.has(txid)).toBe(false);
    const block = matchBlock(await backend.getRawBlock(hash), new Set([scriptKey(script)]), new Set());
    expect(block.outputs).toEqual([
      expect.objectContaining({ txid, value: 125_000n, signalsRbf: true, spends: payment!.spends }),
    ]);
    expect(parseTransaction((await backend.getRawTransaction(txid))!).txid).toBe(txid);
    expect(await backend.getRawTransaction('ab'.repeat(32))).toBeUndefined();
  });

  it('reports a non-signalling payment as final', async () => {
    const { address, script } = newAddress();
    const txid = await btc.sim.pay(address, 40_000n, { rbf: false });
    const [hash] = await btc.sim.mine();
    const [output] = matchBlock(
      await backend.getRawBlock(hash),
      new Set([scriptKey(script)]),
      new Set(),
    ).outputs;
    expect(output).toMatchObject({ txid, vout: expect.any(Number), value: 40_000n, signalsRbf: false });
  });

  it('finds the replacement that spends a pending payment’s inputs', async () => {
    const { address } = newAddress();
    const original = await btc.sim.pay(address, 70_000n, { rbf: true });
    const { spends } = parseTransaction((await backend.getRawTransaction(original))!);
    const replacement = await btc.sim.bumpFee(original, 50_000n);
    const [hash] = await btc.sim.mine();

    const block = matchBlock(await backend.getRawBlock(hash), new Set(), new Set(spends));
    expect(block.conflicts).toEqual(spends.map((outpoint) => ({ outpoint, txid: replacement })));
  });

  it.each(['refuse', '503', 'hang'] as const)(
    'turns a node that is down (%s) into NodeUnavailableError',
    async (mode) => {
      const quick = connect(300);
      await btc.setDown(true, mode);
      try {
        await expect(quick.getTip()).rejects.toThrow(NodeUnavailableError);
      } finally {
        await btc.setDown(false);
      }
      expect(await quick.getTip()).toEqual(btc.sim.tip());
    },
  );

  if (kind === 'bitcoind') {
    it('says so when the credentials are wrong', async () => {
      const wrong = createBitcoindBackend({ url: btc.rpcUrl.replace('//', `//${USER}:wrong@`) });
      await expect(wrong.getTip()).rejects.toThrow(BackendConfigError);
    });
  }
});
