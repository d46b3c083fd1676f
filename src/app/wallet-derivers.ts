import type { AddressDeriver, CreateAddressDeriver } from '../chains/address-deriver.ts';
import type { ChainsConfig } from '../chains/chains-config.ts';
import { ValidationError } from '../domain/errors.ts';

export interface WalletKey {
  id: string;
  chain: string;
  extendedKey: string;
  scriptType: string;
}

/** Parsed derivers per wallet, kept for the life of the process (parsing a key is not free). */
export class WalletDerivers {
  readonly #chains: ChainsConfig;
  readonly #create: CreateAddressDeriver;
  readonly #byWallet = new Map<string, AddressDeriver>();

  constructor(chains: ChainsConfig, create: CreateAddressDeriver) {
    this.#chains = chains;
    this.#create = create;
  }

  /** A deriver for a key that is not stored yet (addWallet); throws typed errors on bad keys. */
  forNewKey(chainName: string, extendedKey: string, scriptType?: string | null): AddressDeriver {
    const chain = this.#chains.chains[chainName];
    if (!chain) throw new ValidationError('chain', `is not a configured chain (${chainName})`);
    return this.#create(chain, extendedKey, scriptType);
  }

  forWallet(wallet: WalletKey): AddressDeriver {
    let deriver = this.#byWallet.get(wallet.id);
    if (!deriver) {
      deriver = this.forNewKey(wallet.chain, wallet.extendedKey, wallet.scriptType);
      this.#byWallet.set(wallet.id, deriver);
    }
    return deriver;
  }
}
