import { GraphQLError } from 'graphql';
import { KassaError } from '../domain/errors.ts';

const HTTP_STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };
/**
 * graphql-js also suggests names when it coerces variables, at execution time, where
 * graphql-armor's validation-time filter never looks.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

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
      // The code goes last: a detail named `code` (an asset's, say) must not replace it.
      extensions: { ...original.details, code: original.code, ...(status ? { http: { status } } : {}) },
    });
  }
  if (original instanceof GraphQLError) {
    // Raised by graphql-js itself (syntax, validation, variable coercion) or by our scalars.
    const code = original.extensions?.code ?? 'GRAPHQL_VALIDATION';
    const message = graphqlError && graphqlError !== original ? graphqlError.message : original.message;
    return new GraphQLError(message.replace(SUGGESTION, '').trim(), {
      ...where,
      extensions: { ...original.extensions, code },
    });
  }
  onUnexpected(original);
  return new GraphQLError('Unexpected error.', { ...where, extensions: { code: 'INTERNAL' } });
}
