import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreDocument } from '../graphql/generated/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';

let db: TestDatabase;
let kassa: RunningKassa;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, { KASSA_ROLE: 'api' });
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

/** Samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    out.set(match[1], Number(match[2]));
  }
  return out;
}

async function scrape(): Promise<{ contentType: string | null; text: string; values: Map<string, number> }> {
  const res = await fetch(`${kassa.url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { contentType: res.headers.get('content-type'), text, values: samples(text) };
}

describe('probes and metrics', () => {
  it('answers /healthz with 200', async () => {
    const res = await fetch(`${kassa.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const res = await fetch(`${kassa.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ready');
  });

  it('answers /readyz with 503 once its database is gone, while /healthz stays 200', async () => {
    const doomedDb = await createTestDatabase();
    const doomed = await startKassa(doomedDb.url, { KASSA_ROLE: 'api' });
    try {
      expect((await fetch(`${doomed.url}/readyz`)).status).toBe(200);
      await doomedDb.drop();
      const res = await fetch(`${doomed.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('not ready');
      expect((await fetch(`${doomed.url}/healthz`)).status).toBe(200);
    } finally {
      await doomed.stop();
    }
  });

  it('answers 404 to unknown paths', async () => {
    expect((await fetch(`${kassa.url}/nope`)).status).toBe(404);
  });

  it('serves Prometheus text with kassa_ metrics only', async () => {
    const { contentType, text, values } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'kassa_http_requests_total',
      'kassa_graphql_request_seconds',
      'kassa_graphql_errors_total',
      'kassa_subscriptions',
      'kassa_process_cpu_seconds_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
    expect(values.size).toBeGreaterThan(0);
    for (const sample of values.keys()) expect(sample).toMatch(/^kassa_/);
  });

  it('counts HTTP requests by route and status, GraphQL durations, and GraphQL errors by code', async () => {
    const okSample = 'kassa_http_requests_total{route="graphql",status="200"}';
    const unauthSample = 'kassa_graphql_errors_total{code="UNAUTHENTICATED"}';
    const durationCount = 'kassa_graphql_request_seconds_count';
    const before = (await scrape()).values;
    const { apiKey } = await seedStore(db.url);
    await run(client(kassa.graphqlUrl, apiKey.secret), StoreDocument);
    await run(client(kassa.graphqlUrl, apiKey.secret), StoreDocument);
    await expectCode(run(client(kassa.graphqlUrl), StoreDocument), 'UNAUTHENTICATED');

    const after = (await scrape()).values;
    expect(after.get(okSample)).toBe((before.get(okSample) ?? 0) + 2);
    expect(after.get(unauthSample)).toBe((before.get(unauthSample) ?? 0) + 1);
    expect(after.get(durationCount)).toBe((before.get(durationCount) ?? 0) + 3);
    // The earlier scrape is counted too, under its own route.
    expect(after.get('kassa_http_requests_total{route="other",status="200"}')).toBeGreaterThanOrEqual(1);
  });
});

/** Runs `node src/main.ts` with only PATH and `env`, and collects what it prints. */
async function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // A process that does not refuse its configuration would go on to start; it must not get far.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('configuration is validated at start', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['KASSA_ROLE', 'boss'],
    ['DATABASE_URL', 'mysql://root:s3cret@db/kassa'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['KASSA_MAX_BODY_BYTES', '-1'],
  ])('%s=%j: exits with code 2 and one line on stderr naming the variable', async (variable, value) => {
    const { code, stdout, stderr } = await startMain({ [variable]: value });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((line) => line !== '');
    expect(lines, stderr).toHaveLength(1);
    expect(stderr.endsWith('\n')).toBe(true);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toMatch(/^kassa: invalid configuration: /);
    // The value of a connection string may hold a password: it is not echoed.
    expect(lines[0]).not.toContain('s3cret');
  });
});
