import { refillAddressPool } from '../app/refill-address-pool.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

export function walletRefillPoolHandler(services: Services): JobHandler<'wallet.refill-pool'> {
  return async ({ walletId }) => {
    const derived = await refillAddressPool(services, walletId);
    if (derived > 0) services.log.info({ walletId, derived }, 'refilled the address pool');
  };
}
