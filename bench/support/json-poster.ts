import { Agent, request } from 'node:http';

/**
 * POSTs a different body each time to one local URL over keep-alive connections, for closed
 * loops whose requests are not all alike (runLoad sends one fixed body). Resolves with the
 * status and the whole body; a failed or timed-out request rejects.
 */
export interface JsonPoster {
  post(body: string): Promise<{ status: number; text: string }>;
  close(): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function jsonPoster(
  url: string,
  options: { headers?: Record<string, string>; maxSockets: number; timeoutMs?: number },
): JsonPoster {
  const target = new URL(url);
  if (!LOOPBACK.has(target.hostname)) throw new Error(`refusing to send load off this machine: ${url}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    post: (body) =>
      new Promise((resolve, reject) => {
        const payload = Buffer.from(body);
        const req = request(
          {
            agent,
            host: target.hostname.replace(/^\[|\]$/g, ''),
            port: target.port,
            path: target.pathname + target.search,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              ...options.headers,
              'content-length': payload.length,
            },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
            );
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}
