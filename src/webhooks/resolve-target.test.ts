import { describe, expect, it } from 'vitest';
import { WebhookUrlError } from './errors.ts';
import { resolveTarget } from './resolve-target.ts';
import { parseWebhookUrl, redactUrl } from './webhook-url.ts';

const answers =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(promise: Promise<unknown>): Promise<WebhookUrlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookUrlError);
  return error as WebhookUrlError;
}

describe('resolveTarget', () => {
  it('returns the checked address to connect to', async () => {
    const target = await resolveTarget(new URL('https://hooks.example.com/x'), {
      allowPrivate: false,
      lookup: answers('93.184.216.34', '2606:2800:220:1::1'),
    });
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
  });

  it('refuses a name when any of its addresses is not public', async () => {
    const error = await refusal(
      resolveTarget(new URL('https://mixed.example.com/'), {
        allowPrivate: false,
        lookup: answers('93.184.216.34', '10.0.0.7'),
      }),
    );
    expect(error.reason).toBe('private-address');
    expect(error.details).toMatchObject({ host: 'mixed.example.com', address: '10.0.0.7' });
  });

  it('allows private addresses when configured to', async () => {
    const target = await resolveTarget(new URL('http://[::1]:8080/'), { allowPrivate: true });
    expect(target).toMatchObject({ address: '::1', family: 6 });
  });

  it('reports a name that does not resolve as unresolvable (worth retrying)', async () => {
    const error = await refusal(
      resolveTarget(new URL('https://gone.example.com/'), {
        allowPrivate: false,
        lookup: async () => {
          throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
        },
      }),
    );
    expect(error.reason).toBe('unresolvable');
    expect(error.shortMessage).toBe('url: gone.example.com does not resolve (ENOTFOUND)');
  });
});

describe('parseWebhookUrl', () => {
  it.each([
    ['ftp://example.com/', /https or http/],
    ['example.com/hooks', /absolute URL/],
    ['https://example.com/#x', /fragment/],
    [`https://example.com/${'a'.repeat(2048)}`, /2048/],
  ])('refuses %s', (url, message) => {
    expect(() => parseWebhookUrl(url)).toThrow(message);
  });

  it('keeps credentials but redacts the password for display', () => {
    const url = parseWebhookUrl(' https://shop:pw@example.com/hooks?x=1 ');
    expect(url.toString()).toBe('https://shop:pw@example.com/hooks?x=1');
    expect(redactUrl(url)).toBe('https://shop:***@example.com/hooks?x=1');
  });
});
