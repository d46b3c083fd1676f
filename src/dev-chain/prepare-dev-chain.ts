import type { Services } from '../app/services.ts';
import { DEV_CHAIN_ID, DEV_CHAIN_NAME } from './dev-chain-config.ts';
import { startDevMiner } from './dev-miner.ts';
import { DEV_MNEMONIC } from './dev-wallet.ts';
import { ensureDevStore } from './ensure-dev-store.ts';
import { forgetReplacedDevChain } from './forget-replaced-dev-chain.ts';
import type { DevChain } from './start-dev-chain.ts';

export interface PreparedDevChain {
  storeId: string;
  /** Logs the development-only warning (every start, after the server listens). */
  announce(): void;
  stop(): Promise<void>;
}

/**
 * Once the database is up: drops the history of a replaced dev chain, makes sure the development
 * store exists (printing its admin key the one time it is created), and starts the miner that
 * confirms payments.
 */
export async function prepareDevChain(services: Services, devChain: DevChain): Promise<PreparedDevChain> {
  const { log } = services;
  if (await forgetReplacedDevChain(services.db.prisma, devChain)) {
    log.warn(
      { chain: DEV_CHAIN_NAME },
      'the dev chain was created anew (its state file is gone): watching it from its tip; payments recorded on the old one keep their state',
    );
  }
  const store = await ensureDevStore(services);
  if (store.apiKey) {
    log.warn(
      { storeId: store.storeId, apiKey: store.apiKey },
      'created the development store and its admin API key; it is shown only this once: store it now',
    );
  }
  const miner = startDevMiner({
    prisma: services.db.prisma,
    genesisTime: devChain.genesisTime,
    mine: devChain.mine,
    log,
  });
  return {
    storeId: store.storeId,
    announce() {
      log.warn(
        {
          devChain: {
            chain: DEV_CHAIN_NAME,
            chainId: DEV_CHAIN_ID,
            rpcUrl: devChain.rpcUrl,
            usdt: devChain.token,
          },
          devStoreId: store.storeId,
          mnemonic: DEV_MNEMONIC,
          checkout: `${services.config.publicUrl}/pay/<invoiceId>`,
          pay: 'npm run kassa -- pay <invoiceId> [--asset ETH|USDT_ETH] [--amount X]',
        },
        'DEVELOPMENT ONLY: KASSA_CHAINS_CONFIG is not set, so Kassa runs a local test chain (anvil) and a ' +
          'development store whose wallet comes from the PUBLISHED test mnemonic: anyone can spend what it ' +
          'receives. Never accept real payments like this; set KASSA_CHAINS_CONFIG (see config/*.example.json).',
      );
    },
    stop: () => miner.stop(),
  };
}
