import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';

/**
 * Root fields (Query, Mutation, Subscription) that do not declare `authScopes`. Pothos keeps a
 * field's options in `extensions.pothosOptions`; scope-auth reads `authScopes` from there.
 * An explicit `{ public: true }` counts as a rule: the point is that nobody forgets one.
 */
function rootFieldsWithoutAuth(target: GraphQLSchema): string[] {
  const roots = [target.getQueryType(), target.getMutationType(), target.getSubscriptionType()].filter(
    (type): type is GraphQLObjectType => type != null,
  );
  const missing: string[] = [];
  for (const root of roots) {
    for (const field of Object.values(root.getFields())) {
      const options = field.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
      const scopes = options?.authScopes;
      const declared =
        typeof scopes === 'function' ||
        (typeof scopes === 'object' && scopes !== null && Object.keys(scopes).length > 0);
      if (!declared) missing.push(`${root.name}.${field.name}`);
    }
  }
  return missing;
}

describe('every root field declares who may call it', () => {
  it('has root fields to check', () => {
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
      (type) => Object.keys(type?.getFields() ?? {}),
    );
    // The foundation's own fields, at least; a broken walk would find none and pass vacuously.
    expect(fields).toEqual(expect.arrayContaining(['store', 'apiKeys', 'createApiKey', 'storeUpdated']));
  });

  it('Query, Mutation and Subscription fields all have authScopes', () => {
    expect(rootFieldsWithoutAuth(schema)).toEqual([]);
  });

  it('the check finds a root field that has no auth rule (or an empty one)', () => {
    // Importing Kassa's schema loads plugin-prisma, whose global typings make a `prisma` option
    // required on every builder; this one has no Prisma plugin, so the options are cast.
    const options = { plugins: [ScopeAuthPlugin], scopeAuth: { authScopes: () => ({ public: true }) } };
    const builder = new SchemaBuilder<{ AuthScopes: { public: boolean } }>(options as never);
    builder.queryType({});
    builder.mutationType({});
    builder.queryField('guarded', (t) => t.string({ authScopes: { public: true }, resolve: () => 'ok' }));
    builder.queryField('byFunction', (t) => t.string({ authScopes: () => true, resolve: () => 'ok' }));
    builder.queryField('forgotten', (t) => t.string({ resolve: () => 'oops' }));
    builder.mutationField('emptyRule', (t) => t.string({ authScopes: {}, resolve: () => 'oops' }));
    expect(rootFieldsWithoutAuth(builder.toSchema())).toEqual(['Query.forgotten', 'Mutation.emptyRule']);
  });
});
