import { type ChainPoller, createChainPoller } from '../app/chain-pollers.ts';
import { reportChainFailure, reportChainProgress } from '../app/report-chain-status.ts';
import type { Services } from '../app/services.ts';
import type { JobHandler } from './job-queue.ts';

/** How long one job watches before handing over, so work spreads over workers and restarts. */
export const WATCH_SLICE_MS = 45_000;
/** Blocks recorded per pass before the pass returns (progress is stored block by block). */
const BLOCKS_PER_PASS = 50;
const MAX_BACKOFF_MS = 60_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Watches one chain for a slice of time: passes back to back while catching up (logging height,
 * blocks behind and blocks/s), one per poll interval once at the tip, exponential backoff while
 * the node is down (logged and recorded for readiness). Then queues the next slice.
 */
export function chainWatchHandler(services: Services): JobHandler<'chain.watch'> {
  const pollers = new Map<string, ChainPoller>();
  return async ({ chain: name }, job) => {
    const chain = services.chains.chains[name];
    if (!chain) return;
    let poll = pollers.get(name);
    if (!poll) {
      poll = createChainPoller(services, chain);
      pollers.set(name, poll);
    }
    const { log } = services;
    // A pass stops between blocks on either signal; waits end at once on a graceful stop.
    const signal = AbortSignal.any([job.signal, job.stopping]);
    const until = Date.now() + WATCH_SLICE_MS;
    let failures = 0;
    let window = { at: Date.now(), blocks: 0 };
    while (Date.now() < until && !signal.aborted) {
      let caughtUp = true;
      try {
        const result = await poll({ maxBlocks: BLOCKS_PER_PASS, signal });
        if (failures > 0) log.info({ chain: name }, 'chain node answers again');
        failures = 0;
        await reportChainProgress(services.db.prisma, name, result.height, result.tip);
        window.blocks += result.blocks;
        const behind = result.tip - result.height;
        caughtUp = behind === 0 && !result.reorged;
        if (result.blocks > 0 && (Date.now() - window.at > 5_000 || caughtUp)) {
          const seconds = (Date.now() - window.at) / 1000;
          log.info(
            {
              chain: name,
              height: result.height,
              tip: result.tip,
              behind,
              blocksPerSecond: +(window.blocks / seconds).toFixed(1),
            },
            caughtUp ? 'chain watcher is at the tip' : 'chain watcher catching up',
          );
          window = { at: Date.now(), blocks: 0 };
        }
      } catch (error) {
        if (signal.aborted) break; // stopping: the interrupted pass stored nothing half-done
        failures++;
        const retryInMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 10));
        log.warn(
          { chain: name, err: (error as Error).message, failures, retryInMs },
          'chain node unavailable; retrying',
        );
        await reportChainFailure(services.db.prisma, name, (error as Error).message, services.now()).catch(
          () => {},
        );
        await sleep(retryInMs, signal);
        continue;
      }
      if (!caughtUp) continue;
      await sleep(chain.pollIntervalSeconds * 1000, signal);
    }
    // Hand over at once, also when this process is stopping: another worker takes the next slice.
    await services.jobs.send('chain.watch', { chain: name }, { singletonKey: name });
  };
}
