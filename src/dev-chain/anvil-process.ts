import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

/**
 * anvil (a real EVM node, shipped as a binary in the npm package `@foundry-rs/anvil-linux-amd64`)
 * as a child process of Kassa, for the local development chain. Test support has its own
 * launcher with test-only controls (reorgs, snapshots); this one only starts, persists and stops.
 */
export interface AnvilProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface AnvilProcessOptions {
  chainId: number;
  /** anvil's state file: loaded at start when it exists, written every second and at exit. */
  stateFile: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

const READY_TIMEOUT_MS = 15_000;

/** The anvil binary: the npm package's, or `anvil` on PATH where that package has no build. */
export function anvilBinary(): string {
  try {
    return createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/bin/anvil');
  } catch {
    return 'anvil';
  }
}

/** Starts anvil on 127.0.0.1 and resolves once it answers with the expected chain id. */
export async function startAnvilProcess(options: AnvilProcessOptions): Promise<AnvilProcess> {
  // A free port picked here can be taken before anvil binds it: anvil then exits, and we retry.
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort());
    try {
      return await launch(port, options);
    } catch (error) {
      if (options.port || attempt >= 3 || !(error instanceof AnvilExitedError)) throw error;
    }
  }
}

class AnvilExitedError extends Error {
  override name = 'AnvilExitedError';
}

async function launch(port: number, options: AnvilProcessOptions): Promise<AnvilProcess> {
  const args = [
    ...['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(options.chainId)],
    // The state file keeps blocks, hashes and balances across restarts, so what Kassa recorded in
    // Postgres stays true; the interval bounds what a killed process loses to one second.
    ...['--state', options.stateFile, '--state-interval', '1'],
    '--quiet',
  ];
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    for (const line of chunk.split('\n')) if (line.trim()) options.log?.(line.trim());
  });
  child.on('error', (error) => {
    stderr += String(error);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Kassa killed without stop() must not leave a node behind holding the port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () => stopChild(child, exited, killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      await stop();
      const reason = `${child.exitCode ?? child.signalCode ?? 'not started'}`;
      throw new AnvilExitedError(`anvil exited (${reason}): ${stderr.trim()}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not answer on ${url} within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`);
    }
    const chainId = await rpcChainId(url).catch(() => undefined);
    if (chainId !== undefined) {
      if (chainId !== options.chainId) {
        await stop();
        throw new Error(`${url} answers chain ${chainId}, not ${options.chainId}: another node on the port?`);
      }
      return { url, port, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rpcChainId(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await response.json()) as { result?: string };
  if (typeof body.result !== 'string') throw new Error('no chain id');
  return Number(body.result);
}

/** Stops a child process: SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
export async function stopChild(child: ChildProcess, exited: Promise<void>, killOnExit: () => void) {
  process.off('exit', killOnExit);
  if (child.pid === undefined) return;
  // SIGTERM lets anvil write its state file one last time.
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}
