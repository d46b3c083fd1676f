import type { Config } from '../config.ts';
import { type Lookup, resolveTarget } from '../webhooks/resolve-target.ts';
import { parseWebhookUrl } from '../webhooks/webhook-url.ts';

/**
 * Checks a URL a store gives for its webhooks: well formed, and resolving only to public
 * addresses unless the configuration allows private ones. Delivery checks again (and pins the
 * address it checked), because DNS answers change.
 */
export async function checkWebhookUrl(config: Config, raw: string, lookup?: Lookup): Promise<string> {
  const url = parseWebhookUrl(raw);
  await resolveTarget(url, { allowPrivate: config.webhooks.allowPrivateAddresses, lookup });
  return url.toString();
}
