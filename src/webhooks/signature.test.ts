import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyKassaSignature } from '../../docs/examples/kassa-webhook-receiver.ts';
import { signatureHeader } from './signature.ts';

describe('signatureHeader', () => {
  const body = '{"id":"e1","type":"invoice.created"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    const expected = createHmac('sha256', 'kassa_whsec_a').update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(['kassa_whsec_a'], 1_700_000_000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('carries one v1 per secret, and the docs example accepts each secret alone', () => {
    const header = signatureHeader(['new', 'old'], 1_700_000_000, body);
    expect(header.split(',')).toHaveLength(3);
    const at = { nowSeconds: 1_700_000_100 };
    expect(verifyKassaSignature(body, header, 'new', at)).toBe(true);
    expect(verifyKassaSignature(body, header, 'old', at)).toBe(true);
    expect(verifyKassaSignature(body, header, ['other', 'old'], at)).toBe(true);
    expect(verifyKassaSignature(body, header, 'other', at)).toBe(false);
    expect(verifyKassaSignature(Buffer.from(body), header, 'new', at)).toBe(true);
  });

  it('the docs example refuses stale or future timestamps, malformed headers and altered bodies', () => {
    const header = signatureHeader(['s'], 1_700_000_000, body);
    expect(verifyKassaSignature(body, header, 's', { nowSeconds: 1_700_000_301 })).toBe(false);
    expect(verifyKassaSignature(body, header, 's', { nowSeconds: 1_699_999_699 })).toBe(false);
    expect(verifyKassaSignature(body, header, 's', { nowSeconds: 1_700_000_300 })).toBe(true);
    expect(verifyKassaSignature(`${body} `, header, 's', { nowSeconds: 1_700_000_000 })).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', 't=x,v1=00', `t=1700000000,v1=${'0'.repeat(63)}`])
      expect(verifyKassaSignature(body, bad, 's', { nowSeconds: 1_700_000_000 })).toBe(false);
  });
});
