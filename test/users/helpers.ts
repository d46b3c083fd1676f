import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { payments } from 'bitcoinjs-lib';
import pg from 'pg';
import { bytesToHex } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { expect } from 'vitest';
import { CreateApiKeyDocument } from '../graphql/generated/graphql.ts';
import { client, run } from '../support/graphql-client.ts';

/** Runs one SQL statement against a test database (a fresh connection each time). */
export async function sql<R extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

export async function count(url: string, table: string, where = 'true', values: unknown[] = []) {
  const [row] = await sql<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`,
    values,
  );
  return row.n;
}

/** A key of the store holding only `scopes`, minted with the store's admin key. */
export async function keyWithScopes(graphqlUrl: string, adminSecret: string, scopes: string[]) {
  const { createApiKey } = await run(client(graphqlUrl, adminSecret), CreateApiKeyDocument, {
    input: { label: scopes.join(' '), scopes },
  });
  return createApiKey.secret;
}

/** BIP84 receive address `0/index` of an account xpub, derived independently of Kassa. */
export function p2wpkhAddress(xpub: string, index: number): string {
  const child = HDKey.fromExtendedKey(xpub).deriveChild(0).deriveChild(index);
  return payments.p2wpkh({ pubkey: child.publicKey! }).address!;
}

/** EIP-55 address `0/index` of an `m/44'/60'/0'` xpub, derived independently of Kassa. */
export function evmAddress(xpub: string, index: number): string {
  const child = HDKey.fromExtendedKey(xpub).deriveChild(0).deriveChild(index);
  const uncompressed = secp256k1.Point.fromBytes(child.publicKey!).toBytes(false);
  return publicKeyToAddress(bytesToHex(uncompressed));
}

/**
 * POSTs a document as is (for asserting on the whole response body, e.g. that another user's
 * data appears nowhere in it, errors included).
 */
export async function postRaw(
  graphqlUrl: string,
  key: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, text, body };
}

/** The `extensions.code`s of a raw response's errors. */
export function codes(body: {
  errors?: Array<{ extensions?: { code?: string } }>;
}): Array<string | undefined> {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

/** A response that neither succeeded nor failed in a way that reveals a masked internal error. */
export function expectNoInternalError(body: { errors?: Array<{ extensions?: { code?: string } }> }) {
  for (const code of codes(body)) expect(code, 'an unexpected (masked) error').not.toBe('INTERNAL');
  for (const code of codes(body)) expect(code, 'an error without a code').toBeDefined();
}
