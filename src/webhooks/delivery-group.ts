/**
 * The pg-boss group of a delivery's jobs: its endpoint, or for an invoice's notificationUrl the
 * URL's host. A group gets a bounded share of the workers, so one slow or failing recipient
 * cannot hold up the others.
 */
export function deliveryGroup(endpointId: string | null, url: string | null): string {
  if (endpointId) return `endpoint:${endpointId}`;
  try {
    return `host:${new URL(url ?? '').host.toLowerCase()}`;
  } catch {
    return 'host:invalid';
  }
}
