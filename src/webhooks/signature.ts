import { createHmac } from 'node:crypto';

/**
 * The `Kassa-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`,
 * one `v1` per active secret (the new one first while a rotated-out secret is still in its
 * overlap), as Stripe does, so a receiver that knows either secret accepts the request.
 */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string): string {
  const parts = [`t=${timestampSeconds}`];
  for (const secret of secrets) parts.push(`v1=${sign(secret, timestampSeconds, body)}`);
  return parts.join(',');
}

export function sign(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}
