const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kassa's row ids (stores, keys, users, wallets) are UUIDs; invoices have their own ids. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
