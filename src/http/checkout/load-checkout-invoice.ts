import { execute, type GraphQLError, parse, validate } from 'graphql';
import type { Services } from '../../app/services.ts';
import { schema } from '../../graphql/schema.ts';
import { CHECKOUT_QUERY, type CheckoutInvoice } from './assets/checkout-model.js';

const document = parse(CHECKOUT_QUERY);
// The browser subscribes with the same selection: a field the schema lost fails here, at start.
const problems = validate(schema, document);
if (problems.length > 0) throw new Error(`checkout query: ${problems.map((p) => p.message).join('; ')}`);

/**
 * The invoice's public checkout view, read through the GraphQL schema as an anonymous caller:
 * the page can only ever show what anyone holding the id may read, serialized exactly as the
 * live subscription sends it. Undefined for an unknown id.
 */
export async function loadCheckoutInvoice(
  services: Services,
  id: string,
): Promise<CheckoutInvoice | undefined> {
  const result = await execute({
    schema,
    document,
    variableValues: { id },
    contextValue: { auth: { kind: 'anonymous' }, services, prisma: services.db.prisma },
  });
  if (result.errors?.length) throw firstError(result.errors);
  return (result.data?.invoice as CheckoutInvoice | null) ?? undefined;
}

function firstError(errors: readonly GraphQLError[]): Error {
  return errors[0].originalError ?? errors[0];
}
