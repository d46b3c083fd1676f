import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './post-webhook.ts';

const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === '/hang') return;
    res.writeHead(req.url === '/big' ? 200 : 204).end(req.url === '/big' ? 'é'.repeat(1000) : undefined);
  });
});
let port = 0;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const base = { body: '{"a":1}', headers: { 'kassa-event-id': 'e1' }, timeoutMs: 2_000, allowPrivate: true };

describe('postWebhook', () => {
  it('connects to the address it checked, not to a second resolution of the name (DNS rebinding)', async () => {
    // rebind.invalid resolves nowhere; only the checked answer can take the request anywhere.
    const answer = await postWebhook({
      ...base,
      url: new URL(`http://rebind.invalid:${port}/pinned`),
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(answer).toMatchObject({ status: 204 });
    const request = seen.at(-1)!;
    expect(request.headers.host).toBe(`rebind.invalid:${port}`);
    expect(request.headers['kassa-event-id']).toBe('e1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe('{"a":1}');
  });

  it('refuses before connecting when the name resolves to a private address', async () => {
    const before = seen.length;
    const answer = await postWebhook({
      ...base,
      allowPrivate: false,
      url: new URL(`http://rebind.invalid:${port}/refused`),
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(answer.refused).toBe(true);
    expect(answer.status).toBeUndefined();
    expect(answer.error).toMatch(/a loopback address/);
    expect(seen.length).toBe(before);
  });

  it('keeps 1 KiB of a larger answer and gives up on a receiver that never answers', async () => {
    const big = await postWebhook({ ...base, url: new URL(`http://127.0.0.1:${port}/big`) });
    expect(big.status).toBe(200);
    expect(Buffer.byteLength(big.excerpt!)).toBeLessThanOrEqual(1024 + 3);
    const hung = await postWebhook({
      ...base,
      timeoutMs: 300,
      url: new URL(`http://127.0.0.1:${port}/hang`),
    });
    expect(hung.status).toBeUndefined();
    expect(hung.error).toBe('timed out after 300 ms');
    expect(hung.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const pending = postWebhook({
      ...base,
      url: new URL(`http://127.0.0.1:${port}/hang`),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ aborted: true });
  });

  it('makes no request when the stop came before the attempt, and leaves nothing unhandled', async () => {
    const before = seen.length;
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    try {
      const answer = await postWebhook({
        ...base,
        url: new URL(`http://127.0.0.1:${port}/late`),
        signal: AbortSignal.abort(),
      });
      expect(answer).toMatchObject({ aborted: true, error: 'aborted: Kassa is stopping' });
      // A destroyed request reports its 'error' on a later tick; give it time to surface.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', onCrash);
    }
    expect(crashes).toEqual([]);
    expect(seen.length).toBe(before);
  });
});
