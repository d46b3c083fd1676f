import { GraphQLError } from 'graphql';
import { KassaError } from '../domain/errors.ts';

const HTTP_STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };

function unwrap(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * The one place where errors meet clients: KassaErrors keep their message and stable code,
 * GraphQL's own validation and parse errors pass as they are, and everything else becomes
 * "Unexpected error." with code INTERNAL (logged with its stack by the caller).
 */
export function maskError(error: unknown, onUnexpected: (error: unknown) => void): GraphQLError {
  const graphqlError = error instanceof GraphQLError ? error : undefined;
  const original = unwrap(error);
  const where = { nodes: graphqlError?.nodes, path: graphqlError?.path, source: graphqlError?.source };

  if (original instanceof KassaError) {
    const status = HTTP_STATUS[original.code];
    return new GraphQLError(original.shortMessage, {
      ...where,
      extensions: { code: original.code, ...original.details, ...(status ? { http: { status } } : {}) },
    });
  }
  if (original instanceof GraphQLError) {
    // Raised by graphql-js itself (syntax, validation, variable coercion) or by our scalars.
    const code = original.extensions?.code ?? 'GRAPHQL_VALIDATION';
    const message = graphqlError && graphqlError !== original ? graphqlError.message : original.message;
    return new GraphQLError(message, { ...where, extensions: { ...original.extensions, code } });
  }
  onUnexpected(original);
  return new GraphQLError('Unexpected error.', { ...where, extensions: { code: 'INTERNAL' } });
}
