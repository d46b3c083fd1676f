import { TxRejected } from './acceptance.ts';
import { toHex } from './bytes.ts';
import type { BlockRecord, ChainState } from './chain-state.ts';
import { difficulty } from './network-params.ts';
import { Btc, blockJson, chainworkHex, headerJson, mempoolEntryJson, txJson } from './rpc-json.ts';

/**
 * The Bitcoin Core RPC methods the simulator answers, with Core's parameter names (for named
 * params), error codes and messages: -3 type error, -5 not found, -8 invalid parameter,
 * -22 decode failed, -25/-26/-27 transaction rejected, -32601 method not found.
 */
export class RpcError extends Error {
  override name = 'RpcError';
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

interface MethodDef {
  /** Parameter names in position order, so named (object) params map onto them. */
  params: string[];
  run: (sim: ChainState, args: unknown[]) => unknown;
}

const METHODS: Record<string, MethodDef> = {
  getblockchaininfo: {
    params: [],
    run: (sim) => {
      const tip = sim.tipBlock();
      return {
        chain: sim.params.chain,
        blocks: tip.height,
        headers: tip.height,
        bestblockhash: tip.hash,
        bits: tip.block.bits.toString(16).padStart(8, '0'),
        difficulty: difficulty(tip.block.bits),
        time: tip.time,
        mediantime: sim.medianTimePast(),
        verificationprogress: 1,
        initialblockdownload: false,
        chainwork: chainworkHex(tip.chainwork),
        size_on_disk: sim.allBlocks().reduce((n, b) => n + b.raw.length, 0),
        pruned: false,
        warnings: [],
      };
    },
  },
  getblockcount: { params: [], run: (sim) => sim.height },
  getbestblockhash: { params: [], run: (sim) => sim.tip().hash },
  getblockhash: {
    params: ['height'],
    run: (sim, [height]) => {
      const h = intParam(height, 'height');
      const record = sim.blockAt(h);
      if (h < 0 || !record) throw new RpcError(-8, 'Block height out of range');
      return record.hash;
    },
  },
  getblock: {
    params: ['blockhash', 'verbosity'],
    run: (sim, [hash, verbosity]) => {
      const record = blockParam(sim, hash, 'blockhash');
      const level =
        verbosity === undefined
          ? 1
          : typeof verbosity === 'boolean'
            ? Number(verbosity)
            : intParam(verbosity, 'verbosity');
      if (level <= 0) return toHex(record.raw);
      if (level === 1) return blockJson(sim, record);
      throw new RpcError(-8, `verbosity ${level} is not served by the simulator (use 0 or 1)`);
    },
  },
  getblockheader: {
    params: ['blockhash', 'verbose'],
    run: (sim, [hash, verbose]) => {
      const record = blockParam(sim, hash, 'blockhash');
      return verbose === false ? toHex(record.block.toBuffer(true)) : headerJson(sim, record);
    },
  },
  getchaintips: {
    params: [],
    run: (sim) => chainTips(sim),
  },
  getrawmempool: {
    params: ['verbose', 'mempool_sequence'],
    run: (sim, [verbose]) => {
      if (verbose !== true) return sim.mempoolTxids();
      return Object.fromEntries(sim.mempoolEntries().map((e) => [e.txid, mempoolEntryJson(sim, e)]));
    },
  },
  getmempoolentry: {
    params: ['txid'],
    run: (sim, [txid]) => {
      const entry = sim.mempoolEntry(hashParam(txid, 'txid'));
      if (!entry) throw new RpcError(-5, 'Transaction not in mempool');
      return mempoolEntryJson(sim, entry);
    },
  },
  getmempoolinfo: {
    params: [],
    run: (sim) => {
      const entries = sim.mempoolEntries();
      return {
        loaded: true,
        size: entries.length,
        bytes: entries.reduce((n, e) => n + e.vsize, 0),
        usage: entries.reduce((n, e) => n + e.raw.length * 3, 0),
        total_fee: new Btc(entries.reduce((n, e) => n + e.fee, 0n)),
        maxmempool: 300_000_000,
        mempoolminfee: new Btc(1000n),
        minrelaytxfee: new Btc(1000n),
        incrementalrelayfee: new Btc(1000n),
        unbroadcastcount: 0,
        fullrbf: sim.fullRbf,
      };
    },
  },
  getrawtransaction: {
    params: ['txid', 'verbose', 'blockhash'],
    run: (sim, [txid, verbose, blockhash]) => {
      const id = hashParam(txid, 'txid');
      if (blockhash !== undefined && blockhash !== null) {
        const record = sim.block(hashParam(blockhash, 'blockhash'));
        if (!record) throw new RpcError(-5, 'Block hash not found');
        if (!record.txids.includes(id)) {
          throw new RpcError(
            -5,
            'No such transaction found in the provided block. Use gettransaction for wallet transactions.',
          );
        }
      }
      const tx = sim.transaction(id);
      if (!tx) {
        throw new RpcError(
          -5,
          'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.',
        );
      }
      const level =
        typeof verbose === 'boolean'
          ? Number(verbose)
          : verbose === undefined || verbose === null
            ? 0
            : intParam(verbose, 'verbose');
      return level === 0 ? toHex(sim.rawTx(id)!) : txJson(sim, tx, true);
    },
  },
  sendrawtransaction: {
    params: ['hexstring', 'maxfeerate'],
    run: (sim, [hex, maxfeerate]) => {
      if (typeof hex !== 'string') throw typeError(hex, 'string');
      // maxfeerate is BTC/kvB (default 0.10); 0 disables the check.
      const rate = maxfeerate === undefined || maxfeerate === null ? 0.1 : Number(maxfeerate);
      try {
        return sim.submitTransaction(hex, {
          maxFeeRate: rate === 0 ? Number.POSITIVE_INFINITY : (rate * 1e8) / 1000,
        });
      } catch (error) {
        if (error instanceof TxRejected) throw new RpcError(error.code, error.message);
        throw error;
      }
    },
  },
  getnetworkinfo: {
    params: [],
    run: () => ({
      version: 280000,
      subversion: '/Satoshi:28.0.0/',
      protocolversion: 70016,
      localrelay: true,
      networkactive: true,
      connections: 0,
      relayfee: new Btc(1000n),
      incrementalfee: new Btc(1000n),
      warnings: [],
    }),
  },
  ping: { params: [], run: () => null },
};

/** Runs `method` with positional (array) or named (object) params. */
export function callRpcMethod(sim: ChainState, method: string, params: unknown): unknown {
  const def = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!def) throw new RpcError(-32601, 'Method not found');
  let args: unknown[];
  if (Array.isArray(params)) args = params;
  else if (params && typeof params === 'object') {
    const named = params as Record<string, unknown>;
    for (const key of Object.keys(named)) {
      if (!def.params.includes(key)) throw new RpcError(-8, `Unknown named parameter ${key}`);
    }
    args = def.params.map((name) => named[name]);
  } else args = [];
  if (args.length > def.params.length) throw new RpcError(-1, `${method}: too many parameters`);
  return def.run(sim, args);
}

function blockParam(sim: ChainState, value: unknown, name: string): BlockRecord {
  const record = sim.block(hashParam(value, name));
  if (!record) throw new RpcError(-5, 'Block not found');
  return record;
}

function hashParam(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError(value, 'string');
  if (value.length !== 64)
    throw new RpcError(-8, `${name} must be of length 64 (not ${value.length}, for '${value}')`);
  if (!/^[0-9a-fA-F]+$/.test(value))
    throw new RpcError(-8, `${name} must be hexadecimal string (not '${value}')`);
  return value.toLowerCase();
}

function intParam(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError(value, 'number');
  if (!Number.isInteger(value)) throw new RpcError(-8, `${name} must be an integer`);
  return value;
}

function typeError(value: unknown, expected: string): RpcError {
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value;
  return new RpcError(-3, `JSON value of type ${actual} is not of expected type ${expected}`);
}

/** getchaintips: the active tip and every stale branch's tip with its length from the fork. */
function chainTips(sim: ChainState): unknown[] {
  const blocks = sim.allBlocks();
  const parents = new Set(blocks.map((b) => b.prevHash));
  const tips: unknown[] = [{ height: sim.height, hash: sim.tip().hash, branchlen: 0, status: 'active' }];
  for (const block of blocks) {
    if (sim.isInBestChain(block.hash) || parents.has(block.hash)) continue;
    let fork = block;
    while (!sim.isInBestChain(fork.hash)) fork = sim.block(fork.prevHash)!;
    tips.push({
      height: block.height,
      hash: block.hash,
      branchlen: block.height - fork.height,
      status: 'valid-fork',
    });
  }
  return tips;
}
