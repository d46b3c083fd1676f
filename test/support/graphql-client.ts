import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { expect } from 'vitest';

/** A graphql-request client for `url`, with a bearer key when given. */
export function client(url: string, key?: string): GraphQLClient {
  return new GraphQLClient(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
}

/** Runs a typed document. */
export function run<R, V extends object>(
  c: GraphQLClient,
  document: TypedDocumentNode<R, V>,
  ...variables: V extends Record<string, never> ? [] : [V]
): Promise<R> {
  return c.request({ document, variables: variables[0] } as never) as Promise<R>;
}

/** Asserts that the operation failed with this `extensions.code` and returns the first error. */
export async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(ClientError);
  const errors = (error as ClientError).response.errors ?? [];
  expect(errors.map((e) => e.extensions?.code)).toContain(code);
  return errors[0];
}
