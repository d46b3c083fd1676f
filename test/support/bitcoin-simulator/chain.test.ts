import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Block, script as bitcoinScript, networks, payments, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import type { TxRejected } from './acceptance.ts';
import { toHex } from './bytes.ts';
import { BitcoinSimulator } from './chain.ts';

const BIP84_ADDRESS = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const BIP84_SCRIPT = '0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2';

function parse(sim: BitcoinSimulator, hash: string): Block {
  return Block.fromBuffer(sim.rawBlock(hash)!);
}

describe('BitcoinSimulator blocks', () => {
  const sim = new BitcoinSimulator({ network: networks.bitcoin });

  it('starts from the real genesis block with mature coinbases', () => {
    expect(sim.blockAt(0)!.hash).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(new BitcoinSimulator({ initialBlocks: 0 }).tip().hash).toBe(
      '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    );
    expect(sim.height).toBe(120);
    expect(sim.walletAddress).toMatch(/^bc1q/);
    // Coinbases of heights 1..21 can be spent in block 121 (each 50 BTC in 10 outputs).
    expect(sim.balance()).toBe(21n * 5_000_000_000n);
    expect(sim.walletCoins()).toHaveLength(210);
  });

  it('builds real blocks: they parse, pass merkle, witness-commitment and PoW checks, and link', () => {
    for (let height = 1; height <= sim.height; height++) {
      const record = sim.blockAt(height)!;
      const block = Block.fromBuffer(record.raw);
      expect(block.getId()).toBe(record.hash);
      expect(block.checkTxRoots()).toBe(true);
      expect(block.checkProofOfWork()).toBe(true);
      expect(block.hasWitnessCommit()).toBe(true);
      expect(toHex(Uint8Array.from(block.prevHash!).reverse())).toBe(sim.blockAt(height - 1)!.hash);
      expect(block.bits).toBe(0x207fffff);
      expect(block.timestamp).toBeGreaterThan(sim.blockAt(height - 1)!.time);
      // BIP34: the coinbase scriptSig starts with the height.
      const [pushed] = bitcoinScript.decompile(block.transactions![0].ins[0].script)!;
      const encoded = typeof pushed === 'number' ? bitcoinScript.number.encode(pushed - 0x50) : pushed;
      expect(bitcoinScript.number.decode(encoded as Uint8Array)).toBe(height);
    }
  });

  it('pays the BIP84 address: mempool first, then the raw bytes of a mined block', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 123_456n);
    expect(sim.mempoolTxids()).toContain(txid);
    expect(sim.txStatus(txid)).toEqual({ confirmed: false, inMempool: true });
    const [hash] = await sim.mine();
    expect(sim.mempoolTxids()).toEqual([]);
    const block = parse(sim, hash);
    const tx = block.transactions!.find((t) => t.getId() === txid)!;
    expect(tx.outs.some((o) => toHex(o.script) === BIP84_SCRIPT && o.value === 123_456n)).toBe(true);
    expect(toHex(sim.rawBlock(hash)!)).toContain(BIP84_SCRIPT);
    expect(sim.txStatus(txid)).toMatchObject({ confirmed: true, height: sim.height, blockHash: hash });
    // Coinbase collects the fee.
    const coinbaseValue = block.transactions![0].outs.reduce((s, o) => s + o.value, 0n);
    expect(coinbaseValue).toBe(5_000_000_000n + sim.feeOf(tx));
  });

  it('signs for real: the P2WPKH signature verifies against the BIP143 sighash', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 10_000n);
    const tx = Transaction.fromBuffer(sim.rawTx(txid)!);
    const [signature, publicKey] = tx.ins[0].witness;
    const prev = sim.transaction(toHex(Uint8Array.from(tx.ins[0].hash).reverse()))!.outs[tx.ins[0].index];
    const scriptCode = payments.p2pkh({ pubkey: publicKey }).output!;
    const sighash = tx.hashForWitnessV0(0, scriptCode, prev.value, Transaction.SIGHASH_ALL);
    const decoded = bitcoinScript.signature.decode(signature);
    expect(secp256k1.verify(decoded.signature, sighash, publicKey, { prehash: false })).toBe(true);
    await sim.mine();
  });

  it('pays any address type and several outputs at once', async () => {
    const outputs = [
      { address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr', amountSats: 1000n },
      { address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', amountSats: 2000 },
      { address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', amountSats: 3000n },
      { script: Uint8Array.of(0x6a, 0x02, 0xbe, 0xef), amountSats: 0n },
    ];
    const txid = await sim.payMany(outputs, { feeSats: 5000n });
    const tx = sim.transaction(txid)!;
    expect(tx.outs.map((o) => o.value).slice(0, 4)).toEqual([1000n, 2000n, 3000n, 0n]);
    expect(toHex(tx.outs[0].script)).toMatch(/^5120a60869f0/);
    expect(sim.mempoolEntry(txid)!.fee).toBe(5000n);
    await sim.mine();
  });

  it('enforces coinbase maturity: a coinbase is spendable in the block 100 after it', async () => {
    const young = sim.blockAt(sim.height)!.block.transactions![0];
    const spend = new Transaction();
    spend.addInput(young.getHash(), 0);
    spend.addOutput(sim.walletScript, young.outs[0].value - 1000n);
    expect(() => sim.submitTransaction(spend)).toThrow(/premature-spend-of-coinbase/);
    await sim.mine(98);
    expect(() => sim.submitTransaction(spend)).toThrow('tried to spend coinbase at depth 99');
    await sim.mine();
    // Signatures are not checked (see acceptance.ts), so the unsigned spend is enough here.
    expect(sim.submitTransaction(spend)).toBe(spend.getId());
    expect(sim.walletCoins().some((c) => c.txid === young.getId() && c.vout === 0)).toBe(false);
    await sim.mine();
    expect(sim.txStatus(spend.getId()).confirmed).toBe(true);
  });

  it('rejects what Core rejects, with its reasons and codes', async () => {
    const rejected = (input: string | Transaction) => {
      try {
        sim.submitTransaction(input);
      } catch (error) {
        return { code: (error as TxRejected).code, message: (error as TxRejected).message };
      }
      throw new Error('accepted');
    };
    expect(rejected('zz')).toEqual({
      code: -22,
      message: 'TX decode failed. Make sure the tx has at least one input.',
    });
    const missing = new Transaction();
    missing.addInput(new Uint8Array(32).fill(7), 0);
    missing.addOutput(sim.walletScript, 1000n);
    expect(rejected(missing)).toEqual({ code: -25, message: 'bad-txns-inputs-missingorspent' });
    const mined = sim.transaction(sim.blockAt(sim.height)!.txids[1])!;
    expect(rejected(mined)).toEqual({ code: -27, message: 'Transaction outputs already in utxo set' });
    const [coin] = sim.walletCoins();
    const greedy = new Transaction();
    greedy.addInput(Uint8Array.from(Buffer.from(coin.txid, 'hex')).reverse(), coin.vout);
    greedy.addOutput(sim.walletScript, coin.coin.value + 1n);
    expect(rejected(greedy).message).toMatch(/^bad-txns-in-belowout/);
    const free = greedy.clone();
    free.outs[0].value = coin.coin.value;
    expect(rejected(free).message).toMatch(/^min relay fee not met/);
  });
});

describe('BitcoinSimulator replacements', () => {
  const sim = new BitcoinSimulator({ network: networks.bitcoin });

  it('bumps the fee of an RBF payment: the replacement takes its place in the mempool', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 50_000n, { rbf: true });
    const original = sim.transaction(txid)!;
    expect(original.ins.every((i) => i.sequence === 0xfffffffd)).toBe(true);
    const bumped = await sim.bumpFee(txid, 10_000n);
    expect(sim.mempoolTxids()).toEqual([bumped]);
    const replacement = sim.transaction(bumped)!;
    expect(replacement.ins.map((i) => toHex(i.hash))).toEqual(original.ins.map((i) => toHex(i.hash)));
    expect(replacement.outs[0]).toEqual(original.outs[0]);
    expect(sim.mempoolEntry(bumped)!.fee).toBe(10_000n);
    // The original is gone for good: the node no longer knows it.
    expect(sim.rawTx(txid)).toBeUndefined();
    await sim.mine();
    expect(sim.txStatus(bumped).confirmed).toBe(true);
  });

  it('refuses to bump a payment that did not signal RBF', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 50_000n);
    await expect(sim.bumpFee(txid, 10_000n)).rejects.toThrow('Transaction is not BIP 125 replaceable');
    await sim.mine();
  });

  it('double-spends a mempool payment back to the simulator (full RBF, as Core 28)', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 70_000n);
    const conflict = await sim.doubleSpend(txid);
    expect(sim.mempoolTxids()).toEqual([conflict]);
    const tx = sim.transaction(conflict)!;
    expect(tx.outs).toHaveLength(1);
    expect(toHex(tx.outs[0].script)).toBe(toHex(sim.walletScript));
    await sim.mine();
    expect(sim.txStatus(txid)).toEqual({ confirmed: false, inMempool: false });
  });

  it('keeps a double-spend aside and mines it directly, evicting the original', async () => {
    const txid = await sim.pay(BIP84_ADDRESS, 80_000n, { rbf: true });
    const conflict = await sim.doubleSpend(txid, undefined, { into: 'aside' });
    expect(sim.mempoolTxids()).toEqual([txid]);
    expect(sim.asideTxids()).toEqual([conflict]);
    const hash = await sim.mineConflicting(conflict);
    expect(sim.blockAt(sim.height)!.txids).toEqual([expect.any(String), conflict]);
    expect(sim.block(hash)!.txids).toContain(conflict);
    expect(sim.mempoolTxids()).toEqual([]);
    expect(sim.asideTxids()).toEqual([]);
  });

  it('refuses non-signalling replacements when full RBF is off', async () => {
    sim.fullRbf = false;
    const txid = await sim.pay(BIP84_ADDRESS, 90_000n);
    await expect(sim.doubleSpend(txid)).rejects.toThrow('txn-mempool-conflict');
    sim.fullRbf = true;
    expect(sim.dropFromMempool(txid)).toEqual([txid]);
    expect(sim.mempoolTxids()).toEqual([]);
  });
});

describe('BitcoinSimulator on a legacy-only chain', () => {
  it('pays with P2PKH inputs signed over the legacy sighash, in blocks without witness commitment', async () => {
    const sim = new BitcoinSimulator({ network: networks.regtest, segwit: false, initialBlocks: 110 });
    expect(sim.walletAddress).toMatch(/^[mn]/);
    const to = payments.p2pkh({ hash: new Uint8Array(20).fill(1), network: networks.regtest }).address!;
    const txid = await sim.pay(to, 10_000n);
    const [hash] = await sim.mine();
    const block = parse(sim, hash);
    expect(block.hasWitnessCommit()).toBe(false);
    expect(block.checkTxRoots()).toBe(true);
    const tx = block.transactions!.find((t) => t.getId() === txid)!;
    const [signature, publicKey] = bitcoinScript.decompile(tx.ins[0].script) as Uint8Array[];
    const prevScript = payments.p2pkh({ pubkey: publicKey }).output!;
    const sighash = tx.hashForSignature(0, prevScript, Transaction.SIGHASH_ALL);
    expect(
      secp256k1.verify(bitcoinScript.signature.decode(signature).signature, sighash, publicKey, {
        prehash: false,
      }),
    ).toBe(true);
  });
});
