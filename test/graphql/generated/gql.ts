/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ApiKeys {\n  apiKeys {\n    id\n    label\n    prefix\n    scopes\n    revokedAt\n  }\n}\n\nmutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    secret\n    apiKey {\n      id\n      label\n      prefix\n      scopes\n      createdAt\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    id\n    revokedAt\n  }\n}": typeof types.ApiKeysDocument,
    "query Store {\n  store {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    monitoringMinutes\n    paymentTolerancePercent\n    createdAt\n  }\n}\n\nmutation UpdateStore($input: StoreSettingsInput!) {\n  updateStore(input: $input) {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    paymentTolerancePercent\n  }\n}\n\nsubscription StoreUpdated {\n  storeUpdated {\n    id\n    name\n  }\n}": typeof types.StoreDocument,
};
const documents: Documents = {
    "query ApiKeys {\n  apiKeys {\n    id\n    label\n    prefix\n    scopes\n    revokedAt\n  }\n}\n\nmutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    secret\n    apiKey {\n      id\n      label\n      prefix\n      scopes\n      createdAt\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    id\n    revokedAt\n  }\n}": types.ApiKeysDocument,
    "query Store {\n  store {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    monitoringMinutes\n    paymentTolerancePercent\n    createdAt\n  }\n}\n\nmutation UpdateStore($input: StoreSettingsInput!) {\n  updateStore(input: $input) {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    paymentTolerancePercent\n  }\n}\n\nsubscription StoreUpdated {\n  storeUpdated {\n    id\n    name\n  }\n}": types.StoreDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ApiKeys {\n  apiKeys {\n    id\n    label\n    prefix\n    scopes\n    revokedAt\n  }\n}\n\nmutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    secret\n    apiKey {\n      id\n      label\n      prefix\n      scopes\n      createdAt\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    id\n    revokedAt\n  }\n}"): (typeof documents)["query ApiKeys {\n  apiKeys {\n    id\n    label\n    prefix\n    scopes\n    revokedAt\n  }\n}\n\nmutation CreateApiKey($input: CreateApiKeyInput!) {\n  createApiKey(input: $input) {\n    secret\n    apiKey {\n      id\n      label\n      prefix\n      scopes\n      createdAt\n    }\n  }\n}\n\nmutation RevokeApiKey($id: ID!) {\n  revokeApiKey(id: $id) {\n    id\n    revokedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Store {\n  store {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    monitoringMinutes\n    paymentTolerancePercent\n    createdAt\n  }\n}\n\nmutation UpdateStore($input: StoreSettingsInput!) {\n  updateStore(input: $input) {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    paymentTolerancePercent\n  }\n}\n\nsubscription StoreUpdated {\n  storeUpdated {\n    id\n    name\n  }\n}"): (typeof documents)["query Store {\n  store {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    monitoringMinutes\n    paymentTolerancePercent\n    createdAt\n  }\n}\n\nmutation UpdateStore($input: StoreSettingsInput!) {\n  updateStore(input: $input) {\n    id\n    name\n    defaultCurrency\n    expirationMinutes\n    paymentTolerancePercent\n  }\n}\n\nsubscription StoreUpdated {\n  storeUpdated {\n    id\n    name\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;