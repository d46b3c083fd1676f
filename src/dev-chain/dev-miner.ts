import type { PrismaClient } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { DEV_CHAIN_NAME } from './dev-chain-config.ts';

/**
 * anvil mines a block per transaction and none otherwise, so a payment would never gain a second
 * confirmation. Mining on a timer instead would grow the kept state file by every idle block;
 * this mines one block a second only while a payment on the dev chain waits for confirmations.
 * Payments seen before the chain's genesis belong to a replaced chain and are ignored.
 */
export function startDevMiner(options: {
  prisma: PrismaClient;
  genesisTime: Date;
  mine: () => Promise<void>;
  log: Logger;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;

  async function tick() {
    try {
      const waiting = await options.prisma.payment.findFirst({
        where: { chain: DEV_CHAIN_NAME, status: 'PENDING', seenAt: { gte: options.genesisTime } },
        select: { id: true },
      });
      if (waiting && !stopped) await options.mine();
      failing = false;
    } catch (error) {
      // Logged once per outage: the node or the database may be restarting.
      if (!failing) options.log.warn({ err: (error as Error).message }, 'dev chain miner failed; retrying');
      failing = true;
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
