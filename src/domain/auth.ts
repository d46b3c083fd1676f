/** Who is calling. Resolved once per request (or per WebSocket operation) from the bearer. */
export type Auth =
  | { kind: 'anonymous' }
  | { kind: 'apiKey'; storeId: string; keyId: string; scopes: string[] }
  | { kind: 'user'; storeId: string; userId: string; tokenId: string; expiresAt: Date };

/** The store an authenticated caller acts for; undefined for anonymous callers. */
export function storeIdOf(auth: Auth): string | undefined {
  return auth.kind === 'anonymous' ? undefined : auth.storeId;
}
