import type { Services } from './services.ts';

/** A wallet's refill is asked for at most once per this long by one process. */
const DEBOUNCE_MS = 1_000;

const lastRequest = new WeakMap<Services, Map<string, number>>();

/**
 * Queues a refill of a wallet's address pool, after the commit of whatever took addresses.
 * Many creates in a burst cross the low-water mark together: one queued job per wallet
 * (the queue's singleton key) and one send per second per process are enough.
 */
export function requestPoolRefill(services: Services, walletId: string): void {
  let sent = lastRequest.get(services);
  if (!sent) {
    sent = new Map();
    lastRequest.set(services, sent);
  }
  const now = Date.now();
  if ((sent.get(walletId) ?? 0) > now - DEBOUNCE_MS) return;
  sent.set(walletId, now);
  services.jobs.send('wallet.refill-pool', { walletId }, { singletonKey: walletId }).catch((error) => {
    sent.delete(walletId);
    services.log.warn({ err: error, walletId }, 'could not queue an address pool refill');
  });
}
