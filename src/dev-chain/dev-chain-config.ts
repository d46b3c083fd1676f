import { type ChainsConfig, parseChainsConfig } from '../chains/chains-config.ts';

/** The chain name invoices of the local development chain carry (`PaymentMethod.chain`). */
export const DEV_CHAIN_NAME = 'dev-ethereum';
/** anvil's default chain id; wallets such as MetaMask know it as a local network. */
export const DEV_CHAIN_ID = 31337;
/**
 * Confirmations both dev assets need: enough for the checkout page to show "confirming 1 of 3"
 * (the dev miner adds a block a second while a payment waits), few enough to settle in seconds.
 */
export const DEV_CONFIRMATIONS = 3;
/** Fixed rates of the dev chain: nothing here is real money, so no rate provider is asked. */
export const DEV_RATES = { 'ETH/EUR': '3000', 'ETH/USD': '3300', 'USDT/EUR': '0.92', 'USDT/USD': '1' };

/**
 * The chains configuration Kassa runs with when KASSA_CHAINS_CONFIG is unset: the local anvil
 * chain at `rpcUrl`, its Ether as ETH and the deployed TestToken as USDT_ETH, fixed rates.
 */
export function devChainsConfig(rpcUrl: string, token: string): ChainsConfig {
  const confirmations = { confirmations: DEV_CONFIRMATIONS };
  return parseChainsConfig({
    chains: {
      [DEV_CHAIN_NAME]: {
        family: 'evm',
        chainId: DEV_CHAIN_ID,
        backend: { kind: 'rpc', url: rpcUrl },
        pollIntervalSeconds: 0.5,
      },
    },
    assets: {
      ETH: { name: 'Ether (dev chain)', chain: DEV_CHAIN_NAME, decimals: 18, confirmations },
      USDT_ETH: {
        name: 'Test Tether (dev chain)',
        chain: DEV_CHAIN_NAME,
        decimals: 6,
        token,
        rateSymbol: 'USDT',
        confirmations,
      },
    },
    rates: { providers: [{ kind: 'fixed', rates: DEV_RATES }] },
  });
}
