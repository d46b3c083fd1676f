import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebhookUrlError } from './errors.ts';
import { type Lookup, type ResolvedTarget, resolveTarget } from './resolve-target.ts';

/** The response body kept in the delivery log. */
export const EXCERPT_BYTES = 1024;

export interface WebhookRequest {
  url: URL;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the attempt (the process is stopping); the result is then `aborted`. */
  signal?: AbortSignal;
  lookup?: Lookup;
}

export interface WebhookAnswer {
  /** The HTTP status, when one arrived in time. */
  status?: number;
  /** The start of the response body (≤ 1 KiB, UTF-8). */
  excerpt?: string;
  /** Why there is no status: timeout, connection error, refused address. */
  error?: string;
  /** The URL was refused before any connection (a non-public address). */
  refused?: boolean;
  aborted?: boolean;
  durationMs: number;
}

// Keep-alive pools: a store's endpoint usually gets many events; reconnecting (and a TLS
// handshake) for each would cost more than the request itself.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 16, timeout: 30_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 16, timeout: 30_000 }),
};

/**
 * POSTs one webhook: resolves and checks the host, connects to that checked address only, and
 * gives the whole exchange `timeoutMs`. Never throws for what the receiver does; the answer
 * says what happened.
 */
export async function postWebhook(request: WebhookRequest): Promise<WebhookAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: ResolvedTarget;
  try {
    target = await resolveTarget(request.url, { allowPrivate: request.allowPrivate, lookup: request.lookup });
  } catch (error) {
    if (!(error instanceof WebhookUrlError)) throw error;
    return { error: error.shortMessage, refused: error.reason !== 'unresolvable', durationMs: elapsed() };
  }
  if (request.signal?.aborted)
    return { error: 'aborted: Kassa is stopping', aborted: true, durationMs: elapsed() };
  return new Promise<WebhookAnswer>((resolve) => {
    let settled = false;
    let status: number | undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    const finish = (answer: Omit<WebhookAnswer, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      const excerpt = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      resolve({ status, excerpt, ...answer, durationMs: elapsed() });
    };
    const { url } = target;
    const req = (url.protocol === 'https:' ? https : http).request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      auth: url.username
        ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
        : undefined,
      agent: agents[url.protocol as 'http:' | 'https:'],
      lookup: pinnedLookup(target),
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(request.body)),
        'user-agent': 'Kassa-Webhooks/1',
        ...request.headers,
      },
    });
    // Listen before anything can destroy the request: a destroyed request emits 'error' ("socket
    // hang up"), and one without a listener would crash the process.
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: connectionError(error) }));
    const timer = setTimeout(() => {
      req.destroy();
      finish({ error: `timed out after ${request.timeoutMs} ms${status ? ' reading the body' : ''}` });
    }, request.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ error: 'aborted: Kassa is stopping', aborted: true });
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      status = res.statusCode;
      res.on('data', (chunk: Buffer) => {
        if (kept < EXCERPT_BYTES) {
          const part = chunk.subarray(0, EXCERPT_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        }
        // A larger body is not read: the status is the answer, and the socket is not reused.
        if (kept >= EXCERPT_BYTES) {
          res.destroy();
          finish({});
        }
      });
      res.on('end', () => finish({}));
      res.on('error', () => finish({}));
      res.on('close', () => finish({}));
    });
    req.end(request.body);
  });
}

/** Connects to the checked address whatever the resolver would say now (DNS rebinding). */
function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

function connectionError(error: NodeJS.ErrnoException): string {
  const code = error.code ? `${error.code}: ` : '';
  return `connection failed: ${code}${error.message}`.slice(0, 300);
}
