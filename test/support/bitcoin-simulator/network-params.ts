import { Block, type Network, networks, Transaction } from 'bitcoinjs-lib';

/**
 * Consensus parameters the simulator needs per network. The genesis blocks are the real ones
 * (same hashes as Bitcoin Core), so `getblockhash 0` answers what a real node would; every later
 * block uses regtest's proof-of-work limit whatever the network, as grinding mainnet difficulty
 * is impossible here (the chain is simulated anyway).
 */
export interface SimulatedNetworkParams {
  /** Bitcoin Core's `getblockchaininfo.chain`: `main`, `test` or `regtest`. */
  chain: 'main' | 'test' | 'regtest';
  genesis: Block;
  /** Blocks between subsidy halvings (regtest halves every 150). */
  halvingInterval: number;
}

/** Regtest's powLimit in compact form: about half of all hashes satisfy it. */
export const REGTEST_BITS = 0x207fffff;
/** A coinbase output can be spent by a transaction in a block this many blocks later. */
export const COINBASE_MATURITY = 100;
/** Block version with the BIP9 top bits set, as Bitcoin Core's miner writes it. */
export const BLOCK_VERSION = 0x20000000;

// The genesis coinbase ("The Times 03/Jan/2009 ...") is the same transaction on all three networks.
const GENESIS_COINBASE_HEX =
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d01' +
  '04455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f662073' +
  '65636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967' +
  'f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c70' +
  '2b6bf11d5fac00000000';

function genesisBlock(timestamp: number, bits: number, nonce: number): Block {
  const coinbase = Transaction.fromHex(GENESIS_COINBASE_HEX);
  const block = new Block();
  block.version = 1;
  block.prevHash = new Uint8Array(32);
  block.timestamp = timestamp;
  block.bits = bits;
  block.nonce = nonce;
  block.transactions = [coinbase];
  block.merkleRoot = Block.calculateMerkleRoot([coinbase]);
  return block;
}

/**
 * Parameters for a bitcoinjs network, recognised by its bech32 prefix (`bc`, `tb`, `bcrt`); any
 * other network (Litecoin, Dogecoin parameters passed by a caller) gets regtest's.
 */
export function networkParams(network: Network): SimulatedNetworkParams {
  if (network.bech32 === networks.bitcoin.bech32 && network.pubKeyHash === networks.bitcoin.pubKeyHash) {
    return {
      chain: 'main',
      genesis: genesisBlock(1231006505, 0x1d00ffff, 2083236893),
      halvingInterval: 210_000,
    };
  }
  if (network.bech32 === networks.testnet.bech32) {
    return {
      chain: 'test',
      genesis: genesisBlock(1296688602, 0x1d00ffff, 414098458),
      halvingInterval: 210_000,
    };
  }
  return { chain: 'regtest', genesis: genesisBlock(1296688602, REGTEST_BITS, 2), halvingInterval: 150 };
}

/** The block subsidy at `height`: 50 BTC halved every `halvingInterval` blocks. */
export function blockSubsidy(height: number, halvingInterval: number): bigint {
  const halvings = Math.floor(height / halvingInterval);
  return halvings >= 64 ? 0n : 5_000_000_000n >> BigInt(halvings);
}

/** Bitcoin Core's GetDifficulty: how much harder than the minimum difficulty `bits` is. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

/** Expected hashes to find a block at `bits` (2^256 / (target + 1)), as chainwork sums it. */
export function blockWork(bits: number): bigint {
  const exponent = BigInt(bits >>> 24);
  const mantissa = BigInt(bits & 0x007fffff);
  const target = exponent <= 3n ? mantissa >> (8n * (3n - exponent)) : mantissa << (8n * (exponent - 3n));
  return (1n << 256n) / (target + 1n);
}
