import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the tests and for integrators: operations written in test/graphql/*.graphql
 * become TypedDocumentNodes under test/graphql/generated/, checked against schema.graphql.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/graphql/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        importExtension: '.ts',
        enumsAsTypes: true,
        scalars: { BigInt: 'string', Decimal: 'string', DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
