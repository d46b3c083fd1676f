import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonPublicReason } from './address-policy.ts';
import { WebhookUrlError } from './errors.ts';
import { redactUrl } from './webhook-url.ts';

/** Where one attempt connects: the address its host resolved to, checked, and pinned. */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Lookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and refuses it when any of its addresses is not public (unless
 * private addresses are allowed). The caller connects to the returned address and to nothing
 * else, so a DNS answer that changes between this check and the connection (DNS rebinding)
 * cannot redirect the request. Every address must pass, not just the first: which one a later
 * lookup would return first is not ours to decide.
 */
export async function resolveTarget(
  url: URL,
  options: { allowPrivate: boolean; lookup?: Lookup },
): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new WebhookUrlError('unresolvable', `${host} does not resolve (${code})`, { host });
    }
    if (addresses.length === 0) throw new WebhookUrlError('unresolvable', `${host} has no address`, { host });
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason) {
        throw new WebhookUrlError(
          'private-address',
          `${redactUrl(url)} resolves to ${address}, a ${reason} address; webhooks go to public addresses only`,
          { host, address },
        );
      }
    }
  }
  const [first] = addresses;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
