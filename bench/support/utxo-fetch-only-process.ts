// The fetch-only side of the watcher benchmarks, in a process of its own (as Kassa's watcher is):
// Kassa's own UTXO backend client (src/chains/utxo/create-utxo-backend.ts) doing only the node
// round trips a watcher needs, with no matching and no database. One JSON job on argv[2]:
//
//   {"mode":"range","kind":"bitcoind","url":…,"from":h1,"to":h2}
//       getBlockHash + getRawBlock for h1..h2 in order, one at a time; prints one line
//       {"blocks","bytes","ms","perBlockMs":[…]} and exits.
//   {"mode":"poll","kind":"bitcoind","url":…,"from":h,"intervalMs":i}
//       a poller like the watcher at the tip: getTip, then every new block's hash and bytes,
//       then sleep intervalMs, until SIGTERM; prints {"height","hash","bytes","at"} per block,
//       `at` being performance.timeOrigin + performance.now() (epoch ms, comparable between
//       processes) once the block's bytes are in hand.
import { performance } from 'node:perf_hooks';
import { createUtxoBackend } from '../../src/chains/utxo/create-utxo-backend.ts';

interface Job {
  mode: 'range' | 'poll';
  kind: 'bitcoind' | 'esplora';
  url: string;
  from: number;
  to?: number;
  intervalMs?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const backend = createUtxoBackend({ backend: { kind: job.kind, url: job.url } });
const now = () => performance.timeOrigin + performance.now();
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

if (job.mode === 'range') {
  const perBlockMs: number[] = [];
  let bytes = 0;
  const began = performance.now();
  for (let height = job.from; height <= (job.to ?? job.from); height++) {
    const t = performance.now();
    const hash = await backend.getBlockHash(height);
    bytes += (await backend.getRawBlock(hash)).length;
    perBlockMs.push(performance.now() - t);
  }
  print({ blocks: perBlockMs.length, bytes, ms: performance.now() - began, perBlockMs });
  process.exit(0);
} else {
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
  });
  let last = job.from;
  print({ ready: true });
  while (!stopping) {
    const tip = await backend.getTip();
    while (last < tip.height) {
      const height = last + 1;
      const hash = await backend.getBlockHash(height);
      const raw = await backend.getRawBlock(hash);
      print({ height, hash, bytes: raw.length, at: now() });
      last = height;
    }
    await new Promise((resolve) => setTimeout(resolve, job.intervalMs ?? 500));
  }
  process.exit(0);
}
