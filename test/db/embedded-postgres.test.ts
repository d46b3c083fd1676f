import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

const MODULE = new URL('../../src/db/embedded-postgres.ts', import.meta.url).pathname;
const tempDirs: string[] = [];

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kassa-embedded-pg-'));
  tempDirs.push(dir);
  await chmod(dir, 0o755); // mkdtemp makes it 0700; as root, postgres runs as another OS user
  return join(dir, 'pg'); // like .kassa/pg: the parent exists, the data dir does not yet
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const dir of tempDirs) {
    // A failed test may leave a postgres running on its data dir: stop it before deleting.
    const pid = Number(
      (await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    );
    if (pid && isAlive(pid)) process.kill(pid, 'SIGQUIT');
    // As root the data dir belongs to the `postgres` OS user; root may delete it all the same.
    await rm(dir, { recursive: true, force: true });
  }
});

describe('startEmbeddedPostgres', { timeout: 120_000 }, () => {
  it('initialises once, keeps the data across restarts, and stop() is idempotent', async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    const lines: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, port, log: (line) => lines.push(line) });
    expect(first.url).toMatch(new RegExp(`^postgres://kassa:[0-9a-f]+@127\\.0\\.0\\.1:${port}/kassa$`));
    await query(first.url, `CREATE TABLE note (body text); INSERT INTO note VALUES ('kept')`);
    await first.stop();
    await first.stop();
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    expect(lines.some((line) => line.includes('initialising a new Postgres cluster'))).toBe(true);

    lines.length = 0;
    const second = await startEmbeddedPostgres({ dataDir, port, log: (line) => lines.push(line) });
    try {
      expect(second.url).toBe(first.url); // same cluster, same password
      expect(await query(second.url, 'SELECT body FROM note')).toEqual([{ body: 'kept' }]);
      expect(lines.some((line) => line.includes('initialising'))).toBe(false);
      expect(lines.some((line) => line.includes('ready to accept connections'))).toBe(true);
    } finally {
      await Promise.all([second.stop(), second.stop()]);
    }
  });

  it('starts despite a stale postmaster.pid, whether its pid is dead or reused by another process', async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dataDir, port });
    await query(db.url, `CREATE TABLE note (body text); INSERT INTO note VALUES ('kept')`);
    await db.stop();

    // As if postgres had been killed: a pid file whose process is gone...
    const deadPid = Number(execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }));
    const pidFile = (pid: number) =>
      `${pid}\n${dataDir}\n1763700000\n${port}\n\n127.0.0.1\n  0 0\nready   \n`;
    await writeFile(join(dataDir, 'postmaster.pid'), pidFile(deadPid));
    const lines: string[] = [];
    const again = await startEmbeddedPostgres({ dataDir, port, log: (line) => lines.push(line) });
    expect(await query(again.url, 'SELECT body FROM note')).toEqual([{ body: 'kept' }]);
    await again.stop();
    expect(lines.some((line) => line.includes('removing stale'))).toBe(true);

    // ...or whose pid now belongs to a live process of the same OS user as postgres (pid reuse
    // after a restart), which postgres itself takes for a running server and refuses to start.
    const asPostgresUser =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync('id', ['-u', 'postgres'])),
            gid: Number(execFileSync('id', ['-g', 'postgres'])),
          }
        : {};
    const sleeper = spawn('sleep', ['60'], { ...asPostgresUser, stdio: 'ignore' });
    try {
      await writeFile(join(dataDir, 'postmaster.pid'), pidFile(sleeper.pid!));
      const third = await startEmbeddedPostgres({ dataDir, port });
      expect(await query(third.url, 'SELECT body FROM note')).toEqual([{ body: 'kept' }]);
      await third.stop();
    } finally {
      sleeper.kill();
    }
  });

  it('restarts a postgres orphaned by a killed Kassa process', async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(MODULE)};
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} });
      console.log('ready'); setInterval(() => {}, 60_000);`;
    const kassa = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((done, fail) => {
      kassa.stdout.on('data', done);
      kassa.once('exit', fail);
    });
    kassa.kill('SIGKILL'); // no chance to stop its postgres
    const orphan = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(isAlive(orphan)).toBe(true);

    const lines: string[] = [];
    const db = await startEmbeddedPostgres({ dataDir, port, log: (line) => lines.push(line) });
    await db.stop();
    expect(lines.some((line) => line.includes(`stopping the Postgres (pid ${orphan})`))).toBe(true);
    // init reaps the exited orphan lazily (about 2 s here)
    await expect.poll(() => isAlive(orphan), { timeout: 15_000 }).toBe(false);
  });

  it('names the port when another program holds it', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startEmbeddedPostgres({ dataDir: await tempDataDir(), port })).rejects.toThrow(
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`),
      );
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });
});
