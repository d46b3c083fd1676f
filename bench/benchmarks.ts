import { createInvoiceBench } from './create-invoice.ts';
import { graphqlOverhead } from './graphql-overhead.ts';
import { ledgerBalanceReadBench } from './ledger-balance-read.ts';
import { ledgerCsvExportBench } from './ledger-csv-export.ts';
import { ledgerPostingBench } from './ledger-posting.ts';
import { matchBlockBench } from './match-block.ts';
import { realtimeLatencyBench } from './realtime-latency.ts';
import { realtimeSubscribersBench } from './realtime-subscribers.ts';
import type { Benchmark } from './types.ts';
import { watcherCatchupBench } from './watcher-catchup.ts';
import { watcherLatencyBench } from './watcher-latency.ts';
import { webhookDeliveryBench } from './webhook-delivery.ts';

/** Every benchmark `npm run bench` knows, in the order it runs them. Add new ones here. */
export const benchmarks: Benchmark[] = [
  graphqlOverhead,
  createInvoiceBench,
  matchBlockBench,
  realtimeSubscribersBench,
  realtimeLatencyBench,
  webhookDeliveryBench,
  ledgerBalanceReadBench,
  ledgerPostingBench,
  ledgerCsvExportBench,
  watcherCatchupBench,
  watcherLatencyBench,
];
