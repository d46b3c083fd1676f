import { type ChildServer, startChildServer } from './support/child-server.ts';
import { chooseDatabase } from './support/database.ts';
import { now } from './support/graphql-ws-lite.ts';
import { type KassaChild, startKassa } from './support/kassa-child.ts';
import { percentile } from './support/load.ts';
import { describeLoad, type MachineLoad, machineLoad } from './support/machine-load.ts';
import { MemoryProbe, type MemorySample, openFileLimits, vmRssBytes } from './support/process-memory.ts';
import { WsSwarm } from './support/ws-swarm.ts';
import type { BenchContext, Benchmark, BenchResult, Figure } from './types.ts';

/**
 * SPEC: one api process holds 10,000 graphql-ws subscribers at ≤ 40 KB of RSS each.
 *
 * Kassa: its full server as an api process (KASSA_ROLE=api, bench/support/servers/kassa-gc.ts)
 * on a fresh database; 10,000 WebSocket connections, each one graphql-ws subscription
 * `storeUpdated { id name }` authenticated with the store's admin key in connectionParams,
 * as a merchant dashboard opens it. The clients live in 4 child processes
 * (bench/support/ws-swarm.ts), so only the server's memory is in the figure and no process
 * needs more than ~2,500 sockets. A subscription counts as open once its first `next` (the
 * store now) arrived and equals the store read over HTTP.
 *
 * Memory per subscriber: (VmRSS after − VmRSS before) / 10,000, each read from
 * /proc/<pid>/status right after the server ran two full garbage collections (it runs with
 * --expose-gc and collects on SIGUSR2; see bench/support/process-memory.ts). "Before" is taken
 * after 200 warm-up subscriptions were opened and closed, so code that is compiled and caches
 * that fill once are not counted per subscriber. KiB = 1,024 bytes.
 *
 * Broadcast: one `updateStore(name)` mutation over HTTP to the same process; every subscriber
 * then receives the store with the new name. Times are from the mutation's response arriving
 * (its transaction has committed by then; Kassa answers before it fans out) to each
 * client's WebSocket message, read with one clock (performance.timeOrigin + now, same machine).
 * Each client's message must be exactly the expected payload, and all 10,000 must arrive.
 * Three broadcasts; the figures pool all arrivals, "total" is the slowest broadcast's last
 * arrival. The server's CPU time per broadcast is reported too, and so is its VmRSS after the
 * broadcasts (again after two full GCs), per subscriber: a broadcast to every subscriber at
 * once allocates a burst that the process does not give back, so that figure is what such a
 * process holds once it has been busy, next to the idle figure the SPEC's target is checked on.
 *
 * Baseline, in the same run and with the same clients: a bare `ws` WebSocketServer
 * (bench/support/servers/bare-ws.ts) holding the same number of connections (each sent
 * "hello" on open), measured the same way; its broadcast sends one message to every client
 * after answering POST /broadcast. The ratio (Kassa ÷ bare, bytes per connection) isolates
 * what graphql-ws and Kassa add on top of the socket itself.
 */

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const CLIENT_PROCESSES = 4;
const HANDSHAKES_IN_FLIGHT = 25; // per client process
const WARMUP_CONNECTIONS = 200;
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 3);
const MAX_KIB_PER_SUBSCRIBER = 40;

const STORE_SUBSCRIPTION = 'subscription StoreUpdated { storeUpdated { id name } }';
const UPDATE_STORE = `mutation UpdateStore($name: String!) { updateStore(input: { name: $name }) { id name } }`;

const script = (file: string) => new URL(`./support/servers/${file}`, import.meta.url).pathname;

interface Side {
  key: 'baseline' | 'kassa';
  label: string;
  server: ChildServer;
  open: Parameters<WsSwarm['open']>[0];
  /** Broadcast `n`: the message every client must then receive, and what triggers it (resolves on its answer). */
  broadcast(n: number): Promise<{ expect: string; trigger: () => Promise<void> }>;
}

interface Broadcast {
  /** From the trigger's answer to each arrival, ms. */
  p50: number;
  p99: number;
  last: number;
  /** From sending the trigger to its answer, ms. */
  triggerMs: number;
  serverCpuMs: number;
  /** The server's VmRSS once every client got the message (no forced GC), bytes. */
  vmRss: number;
}

interface SideResult {
  key: Side['key'];
  before: MemorySample;
  after: MemorySample;
  afterBroadcasts: MemorySample;
  rssPerConnection: number;
  heapPerConnection: number;
  openSeconds: number;
  broadcasts: Broadcast[];
  arrivalsMs: Float64Array;
  /** The whole machine while the broadcasts ran (they use it; others' work shows too). */
  machine: MachineLoad;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const limits = openFileLimits();
  ctx.log(
    `open files (ulimit -n) of this process: soft ${limits.soft}, hard ${limits.hard}; Node raises its soft limit to the hard one, and the servers inherit it`,
  );
  if (limits.hard < SUBSCRIBERS + 500) {
    throw new Error(
      `the hard open-files limit ${limits.hard} is below the ${SUBSCRIBERS + 500} descriptors one server needs for ${SUBSCRIBERS} sockets: raise it (ulimit -Hn / LimitNOFILE) or set BENCH_SUBSCRIBERS lower`,
    );
  }
  const probe = new MemoryProbe();
  const db = await chooseDatabase(ctx.log);
  let swarm: WsSwarm | undefined;
  let bare: ChildServer | undefined;
  let kassa: KassaChild | undefined;
  try {
    swarm = WsSwarm.start(CLIENT_PROCESSES);
    ctx.log(`${CLIENT_PROCESSES} client processes (pids ${swarm.pids.join(', ')}) will hold the connections`);
    ctx.log('starting the baseline: a bare ws WebSocketServer in a child process');
    bare = await startChildServer({
      script: script('bare-ws.ts'),
      env: { ...process.env, NODE_OPTIONS: '--expose-gc' },
      onLog: (line) => probe.line(line) || ctx.log(`  bare server: ${line}`),
    });
    const bareServer = bare;
    const baseline = await measure(ctx, swarm, probe, {
      key: 'baseline',
      label: 'bare ws WebSocketServer',
      server: bareServer,
      open: {
        mode: 'bare',
        url: `ws://127.0.0.1:${bare.port}/ws`,
        concurrency: HANDSHAKES_IN_FLIGHT,
        expectFirst: 'hello',
      },
      async broadcast(n) {
        const expect = `broadcast ${n}`;
        return {
          expect,
          trigger: async () => {
            const response = await fetch(`http://127.0.0.1:${bareServer.port}/broadcast`, {
              method: 'POST',
              body: expect,
            });
            if (response.status !== 204) throw new Error(`bare broadcast: status ${response.status}`);
          },
        };
      },
    });
    await bare.stop();
    bare = undefined;

    ctx.log('starting Kassa (KASSA_ROLE=api) in a child process');
    kassa = await startKassa({
      db,
      script: script('kassa-gc.ts'),
      env: { KASSA_ROLE: 'api', NODE_OPTIONS: '--expose-gc', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      log: ctx.log,
      onLine: (line) => probe.line(line),
    });
    ctx.log(`Kassa listens on port ${kassa.server.port} (pid ${kassa.server.pid})`);
    const { store } = await kassa.graphql<{ store: { id: string; name: string } }>('{ store { id name } }');
    ctx.log(`store over HTTP: ${JSON.stringify(store)}`);
    const k = kassa;
    const measured = await measure(ctx, swarm, probe, {
      key: 'kassa',
      label: 'Kassa graphql-ws storeUpdated',
      server: kassa.server,
      open: {
        mode: 'graphql-ws',
        url: kassa.wsUrl,
        concurrency: HANDSHAKES_IN_FLIGHT,
        connectionParams: { authorization: `Bearer ${kassa.apiKey}` },
        query: STORE_SUBSCRIPTION,
        expectFirst: JSON.stringify({ data: { storeUpdated: store } }),
      },
      async broadcast(n) {
        const name = `bench broadcast ${n} ${Date.now().toString(36)}`;
        return {
          expect: JSON.stringify({ data: { storeUpdated: { id: store.id, name } } }),
          trigger: async () => {
            const { updateStore } = await k.graphql<{ updateStore: { name: string } }>(UPDATE_STORE, {
              name,
            });
            if (updateStore.name !== name)
              throw new Error(`updateStore answered ${JSON.stringify(updateStore)}`);
          },
        };
      },
    });

    return {
      measured: figure(
        `Kassa: ${SUBSCRIBERS} graphql-ws storeUpdated subscriptions, 1 api process`,
        measured,
      ),
      baseline: figure(`bare ws: ${SUBSCRIBERS} connections to a WebSocketServer`, baseline),
      ratio: measured.rssPerConnection / baseline.rssPerConnection,
      details: {
        subscribers: SUBSCRIBERS,
        clientProcesses: CLIENT_PROCESSES,
        openFiles: limits,
        database: db.source,
        sides: [baseline, measured].map(({ arrivalsMs: _, ...rest }) => rest),
      },
    };
  } finally {
    await swarm?.stop();
    await bare?.stop();
    await kassa?.stop();
    await db.release();
  }
}

async function measure(
  ctx: BenchContext,
  swarm: WsSwarm,
  probe: MemoryProbe,
  side: Side,
): Promise<SideResult> {
  const { server } = side;
  const log = (message: string) => ctx.log(`${side.key}: ${message}`);
  const serverLimits = openFileLimits(server.pid);
  log(
    `${side.label} listens on port ${server.port} (pid ${server.pid}); its open-files limit: soft ${serverLimits.soft}, hard ${serverLimits.hard}`,
  );
  if (serverLimits.soft < SUBSCRIBERS + 200)
    throw new Error(
      `the server's open-files limit ${serverLimits.soft} is too low for ${SUBSCRIBERS} sockets`,
    );

  log(`warm-up: opening and closing ${WARMUP_CONNECTIONS} connections (first message checked on each)`);
  await swarm.open(side.open, WARMUP_CONNECTIONS);
  await swarm.closeAll();
  await sleep(500);
  const before = await probe.measure(server.pid);
  if (!before.collected) throw new Error(`${side.label} did not run with --expose-gc`);
  log(`before: VmRSS ${mib(before.vmRss)}, heap used ${mib(before.heapUsed)} (after 2 full GCs)`);

  log(
    `opening ${SUBSCRIBERS} connections from ${CLIENT_PROCESSES} client processes, ${HANDSHAKES_IN_FLIGHT} handshakes in flight each`,
  );
  const cpuBeforeOpen = server.cpuSeconds();
  const { ms: openMs } = await swarm.open(side.open, SUBSCRIBERS, (open) =>
    log(`  ${open}/${SUBSCRIBERS} open`),
  );
  const openCpu = server.cpuSeconds() - cpuBeforeOpen;
  log(
    `${SUBSCRIBERS} open in ${(openMs / 1000).toFixed(1)} s (${Math.round(SUBSCRIBERS / (openMs / 1000))}/s; server CPU ${Math.round((openCpu / SUBSCRIBERS) * 1e6)} µs each); every first message checked`,
  );
  await sleep(500);
  const after = await probe.measure(server.pid);
  const rssPerConnection = (after.vmRss - before.vmRss) / SUBSCRIBERS;
  const heapPerConnection = (after.heapUsed - before.heapUsed) / SUBSCRIBERS;
  log(
    `after: VmRSS ${mib(after.vmRss)}, heap used ${mib(after.heapUsed)}, external ${mib(after.external)} → ${kib(rssPerConnection)} RSS and ${kib(heapPerConnection)} heap per connection`,
  );

  const broadcasts: Broadcast[] = [];
  const arrivals: number[] = [];
  const load = machineLoad();
  for (let n = 1; n <= BROADCASTS; n++) {
    const { expect, trigger } = await side.broadcast(n);
    await swarm.arm(expect);
    const cpu0 = server.cpuSeconds();
    const sentAt = now();
    await trigger();
    const answeredAt = now();
    const got = await swarm.collect(30_000);
    const serverCpuMs = (server.cpuSeconds() - cpu0) * 1000;
    if (got.missing > 0 || got.wrong > 0 || got.ended > 0) {
      throw new Error(
        `broadcast ${n}: ${got.missing} clients got nothing within 30 s, ${got.wrong} got something else (first: ${got.firstWrong}), ${got.ended} connections ended (first: ${got.firstEnded})`,
      );
    }
    const relative = got.arrivals.map((t) => t - answeredAt).sort();
    arrivals.push(...relative);
    const b: Broadcast = {
      p50: percentile(relative, 0.5),
      p99: percentile(relative, 0.99),
      last: relative[relative.length - 1],
      triggerMs: answeredAt - sentAt,
      serverCpuMs,
      vmRss: vmRssBytes(server.pid),
    };
    broadcasts.push(b);
    log(
      `broadcast ${n}: all ${SUBSCRIBERS} got the expected message; after the trigger's answer (${ms(b.triggerMs)}): p50 ${ms(b.p50)}, p99 ${ms(b.p99)}, last ${ms(b.last)}; server CPU ${Math.round(b.serverCpuMs)} ms, VmRSS now ${mib(b.vmRss)}`,
    );
  }
  const machine = load();
  log(`during the broadcasts, ${describeLoad(machine)}`);
  const afterBroadcasts = await probe.measure(server.pid);
  log(
    `after the broadcasts: VmRSS ${mib(afterBroadcasts.vmRss)}, heap used ${mib(afterBroadcasts.heapUsed)}`,
  );
  log('closing the connections');
  await swarm.closeAll();
  return {
    key: side.key,
    before,
    after,
    afterBroadcasts,
    rssPerConnection,
    heapPerConnection,
    openSeconds: openMs / 1000,
    broadcasts,
    arrivalsMs: Float64Array.from(arrivals).sort(),
    machine,
  };
}

function figure(label: string, r: SideResult): Figure {
  const slowest = r.broadcasts.reduce((a, b) => (b.last > a.last ? b : a));
  return {
    label,
    value: round2(r.rssPerConnection / 1024),
    unit: 'KiB RSS/conn',
    secondary: [
      { name: 'heap/conn', value: round2(r.heapPerConnection / 1024), unit: 'KiB' },
      {
        name: 'RSS/conn after broadcasts',
        value: round2((r.afterBroadcasts.vmRss - r.before.vmRss) / SUBSCRIBERS / 1024),
        unit: 'KiB',
      },
      { name: 'open', value: Math.round(SUBSCRIBERS / r.openSeconds), unit: 'conn/s' },
      { name: 'broadcast p50', value: round2(percentile(r.arrivalsMs, 0.5)), unit: 'ms' },
      { name: 'broadcast p99', value: round2(percentile(r.arrivalsMs, 0.99)), unit: 'ms' },
      { name: 'broadcast total', value: round2(slowest.last), unit: 'ms' },
      {
        name: 'server CPU/broadcast',
        value: Math.round(r.broadcasts.reduce((a, b) => a + b.serverCpuMs, 0) / r.broadcasts.length),
        unit: 'ms',
      },
    ],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round2 = (n: number) => Math.round(n * 100) / 100;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const realtimeSubscribersBench: Benchmark = {
  name: 'realtime-subscribers',
  description: `${SUBSCRIBERS} graphql-ws subscribers on one Kassa api process: RSS each and one broadcast to all, vs bare ws connections`,
  target: {
    label: `≤ ${MAX_KIB_PER_SUBSCRIBER} KiB RSS per subscriber at ${SUBSCRIBERS}`,
    misses: (r) =>
      r.measured.value <= MAX_KIB_PER_SUBSCRIBER
        ? []
        : [`${r.measured.value} KiB RSS per subscriber > ${MAX_KIB_PER_SUBSCRIBER} KiB`],
  },
  run,
};
