import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Checks a Kassa-Signature header against the raw request body (the exact bytes received,
 * before any JSON parsing). `secrets` may hold the old and the new secret during a rotation.
 * Refuses timestamps more than `toleranceSeconds` away from now, so a captured request cannot
 * be replayed later.
 */
export function verifyKassaSignature(
  rawBody: Buffer | string,
  header: string | undefined,
  secrets: string | string[],
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (!timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > tolerance) return false;
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    // timingSafeEqual: comparing in constant time does not reveal how many bytes matched.
    if (signatures.some((signature) => timingSafeEqual(signature, expected))) return true;
  }
  return false;
}

/** The body of every Kassa webhook. */
export interface KassaEvent {
  id: string;
  type: string;
  createdAt: string;
  storeId: string;
  data: Record<string, unknown>;
}

/**
 * A node:http request handler: reads the raw body, verifies it, then hands the event over.
 * Answer 2xx quickly (Kassa waits 10 s at most) and do slow work afterwards; Kassa retries
 * anything else, so `onEvent` may see an event twice: deduplicate on `event.id`.
 */
export function kassaWebhookHandler(
  secrets: string | string[],
  onEvent: (event: KassaEvent) => void | Promise<void>,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks);
      if (!verifyKassaSignature(rawBody, req.headers['kassa-signature'] as string | undefined, secrets)) {
        res.writeHead(400).end('bad signature');
        return;
      }
      try {
        await onEvent(JSON.parse(rawBody.toString('utf8')) as KassaEvent);
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(500).end('try again later');
      }
    });
  };
}
