import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { GraphQLError, type GraphQLScalarType, Kind, locatedError, parse } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  KassaError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '../../src/domain/errors.ts';
import { schema } from '../../src/graphql/schema.ts';
import { maskError } from '../../src/http/mask-error.ts';
import {
  CreateApiKeyDocument,
  StoreDocument,
  UpdateStoreDocument,
  type UpdateStoreMutationVariables,
} from '../graphql/generated/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { client, expectCode, run } from '../support/graphql-client.ts';
import { type RunningKassa, seedStore, startKassa } from '../support/kassa.ts';
import { subscribeWs } from '../support/subscriptions.ts';

const MAX_DEPTH = 5;
const MAX_ALIASES = 3;
const MAX_TOKENS = 200;
const MAX_BODY_BYTES = 4096;
const RATE_LIMIT = 5;

let db: TestDatabase;
let kassa: RunningKassa;
let store: Awaited<ReturnType<typeof seedStore>>;

beforeAll(async () => {
  db = await createTestDatabase();
  kassa = await startKassa(db.url, {
    KASSA_ROLE: 'api',
    KASSA_GRAPHQL_MAX_DEPTH: String(MAX_DEPTH),
    KASSA_GRAPHQL_MAX_ALIASES: String(MAX_ALIASES),
    KASSA_GRAPHQL_MAX_TOKENS: String(MAX_TOKENS),
    KASSA_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  });
  store = await seedStore(db.url, 'Hardened');
});

afterAll(async () => {
  await kassa?.stop();
  await db?.drop();
});

interface GraphqlReply {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

/** A raw POST, so status codes, headers and refused documents can be seen as they are. */
async function post(
  body: unknown,
  options: { key?: string; url?: string; headers?: Record<string, string> } = {},
): Promise<GraphqlReply> {
  const res = await fetch(options.url ?? kassa.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** What a client should see for a refused document: an error with a code and no data. */
function expectRefused(reply: GraphqlReply, code: RegExp | string, message: RegExp | string) {
  expect(reply.body.data ?? undefined).toBeUndefined();
  expect(reply.body.errors, JSON.stringify(reply.body)).toHaveLength(1);
  const [error] = reply.body.errors!;
  if (typeof code === 'string') expect(error.extensions?.code).toBe(code);
  else expect(String(error.extensions?.code)).toMatch(code);
  if (typeof message === 'string') expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
  return error;
}

/** The store's row and the counts a refused request must leave as they were. */
async function storeRow(): Promise<{
  name: string;
  paymentTolerancePercent: string;
  events: number;
  keys: number;
}> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT name, "paymentTolerancePercent"::text AS "paymentTolerancePercent",
              (SELECT count(*)::int FROM "Event") AS events, (SELECT count(*)::int FROM "ApiKey") AS keys
         FROM "Store" WHERE id = $1`,
      [store.store.id],
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

/** `{ __type(name: "Query") { ofType { … { name } } } }` with `levels` selection levels in all. */
function nestedTypeQuery(levels: number): string {
  let inner = 'name';
  for (let i = 0; i < levels - 2; i++) inner = `ofType { ${inner} }`;
  return `{ __type(name: "Query") { ${inner} } }`;
}

describe('query limits', () => {
  it(`refuses a query nested deeper than KASSA_GRAPHQL_MAX_DEPTH (${MAX_DEPTH}) and serves one at the limit`, async () => {
    const atLimit = await post({ query: nestedTypeQuery(MAX_DEPTH) });
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data).toEqual({ __type: { ofType: null } });

    const tooDeep = await post({ query: nestedTypeQuery(MAX_DEPTH + 1) });
    expectRefused(tooDeep, /^GRAPHQL_VALIDATION/, `depth limit of ${MAX_DEPTH} exceeded`);
  });

  it('refuses a cyclic introspection query (the classic schema-walking denial of service)', async () => {
    const reply = await post({
      query: '{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }',
    });
    expectRefused(reply, /^GRAPHQL_VALIDATION/, 'introspection depth');
  });

  it('applies the depth limit to operations over graphql-ws too', async () => {
    const ws = subscribeWs(kassa.wsUrl, parse(nestedTypeQuery(MAX_DEPTH + 1)), {});
    try {
      await expect(ws.next()).rejects.toThrow(`depth limit of ${MAX_DEPTH} exceeded`);
    } finally {
      await ws.close();
    }
  });

  it(`refuses more than KASSA_GRAPHQL_MAX_ALIASES (${MAX_ALIASES}) aliases, before any resolver runs`, async () => {
    const key = store.apiKey.secret;
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: store { id }`).join(' ')} }`;
    const atLimit = await post({ query: aliased(MAX_ALIASES) }, { key });
    expect(atLimit.body.errors).toBeUndefined();
    expect(Object.keys(atLimit.body.data!)).toHaveLength(MAX_ALIASES);

    expectRefused(
      await post({ query: aliased(MAX_ALIASES + 1) }, { key }),
      /^GRAPHQL_VALIDATION/,
      'Aliases limit',
    );

    // The same limit keeps a batch of aliased mutations from running at all.
    const before = await storeRow();
    const mutations = Array.from(
      { length: MAX_ALIASES + 1 },
      (_, i) => `k${i}: createApiKey(input: { label: "k${i}", scopes: ["admin"] }) { secret }`,
    ).join(' ');
    expectRefused(
      await post({ query: `mutation { ${mutations} }` }, { key }),
      /^GRAPHQL_VALIDATION/,
      'Aliases',
    );
    expect(await storeRow()).toEqual(before);
  });

  it(`refuses a document of more than KASSA_GRAPHQL_MAX_TOKENS (${MAX_TOKENS}) tokens`, async () => {
    const key = store.apiKey.secret;
    // `{ store { … } }` is 5 tokens around the repeated field.
    const withFields = (n: number) => `{ store { ${'id '.repeat(n)}} }`;
    const atLimit = await post({ query: withFields(MAX_TOKENS - 5) }, { key });
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data).toEqual({ store: { id: store.store.id } });

    expectRefused(
      await post({ query: withFields(MAX_TOKENS - 4) }, { key }),
      'GRAPHQL_PARSE_FAILED',
      `Token limit of ${MAX_TOKENS} exceeded`,
    );
  });
});

describe('request body limit', () => {
  const paddedBody = (bytes: number) => {
    const base = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
    return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes - base.length) } });
  };

  it('serves a body of exactly KASSA_MAX_BODY_BYTES', async () => {
    const body = paddedBody(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    const reply = await post(body);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ __typename: 'Query' });
  });

  it('answers 413 to a declared content-length over the limit', async () => {
    const res = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: paddedBody(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
    // Yoga reads the body against the limit and answers with a typed GraphQL error.
    expect((await res.json()).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('answers 413 to a chunked body (no content-length) once it passes the limit', async () => {
    const url = new URL(kassa.graphqlUrl);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const response = once(req, 'response');
    const body = Buffer.from(paddedBody(MAX_BODY_BYTES * 3));
    for (let offset = 0; offset < body.length; offset += 1000)
      req.write(body.subarray(offset, offset + 1000));
    req.end();
    const [res] = (await response) as [import('node:http').IncomingMessage];
    expect(req.getHeader('content-length')).toBeUndefined();
    expect(res.statusCode).toBe(413);
    res.resume();
  });
});

describe('CSRF prevention', () => {
  const getUrl = (query: string) => `${kassa.graphqlUrl}?query=${encodeURIComponent(query)}`;

  it('refuses a GET without the x-kassa-csrf header and serves it with the header', async () => {
    const refused = await fetch(getUrl('{ __typename }'));
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0].message).toContain('CSRF');

    const served = await fetch(getUrl('{ store { name } }'), {
      headers: { 'x-kassa-csrf': '1', authorization: `Bearer ${store.apiKey.secret}` },
    });
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual({ data: { store: { name: 'Hardened' } } });
  });

  it('refuses "simple" POSTs a browser sends cross-site (text/plain, forms) unless they carry the header', async () => {
    const before = await storeRow();
    const mutation = 'mutation { updateStore(input: { name: "Hijacked" }) { id } }';
    const bearer = { authorization: `Bearer ${store.apiKey.secret}` };
    const plain = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer },
      body: JSON.stringify({ query: mutation }),
    });
    expect(plain.status).toBe(403);
    const form = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer },
      body: new URLSearchParams({ query: mutation }).toString(),
    });
    expect(form.status).toBe(403);
    expect(await storeRow()).toEqual(before);

    // With the header (which a cross-site page cannot add without a CORS preflight) it is served.
    const withHeader = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-kassa-csrf': '1', ...bearer },
      body: new URLSearchParams({ query: '{ store { name } }' }).toString(),
    });
    expect(withHeader.status).toBe(200);
    expect(await withHeader.json()).toEqual({ data: { store: { name: 'Hardened' } } });
  });

  it('serves an application/json POST without the header', async () => {
    const reply = await post({ query: '{ store { name } }' }, { key: store.apiKey.secret });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { store: { name: 'Hardened' } } });
  });
});

describe('per-key rate limiting', () => {
  let limitedDb: TestDatabase;
  let limited: RunningKassa;
  let one: Awaited<ReturnType<typeof seedStore>>;
  let two: Awaited<ReturnType<typeof seedStore>>;

  beforeAll(async () => {
    limitedDb = await createTestDatabase();
    limited = await startKassa(limitedDb.url, {
      KASSA_ROLE: 'api',
      KASSA_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    });
    one = await seedStore(limitedDb.url, 'One');
    two = await seedStore(limitedDb.url, 'Two');
  });

  afterAll(async () => {
    await limited?.stop();
    await limitedDb?.drop();
  });

  it(`answers the request after ${RATE_LIMIT} of one key with 429 RATE_LIMITED and retry-after; another key is still served`, async () => {
    const first = client(limited.graphqlUrl, one.apiKey.secret);
    for (let i = 0; i < RATE_LIMIT; i++) expect((await run(first, StoreDocument)).store.name).toBe('One');

    const reply = await post(
      { query: '{ store { name } }' },
      { url: limited.graphqlUrl, key: one.apiKey.secret },
    );
    expect(reply.status).toBe(429);
    const error = expectRefused(reply, 'RATE_LIMITED', 'too many requests');
    const retryAfter = Number(reply.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    // One token comes back every 60 / RATE_LIMIT seconds.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60 / RATE_LIMIT);
    expect(error.extensions?.retryAfterSeconds).toBe(retryAfter);
    await expectCode(run(first, StoreDocument), 'RATE_LIMITED');

    expect((await run(client(limited.graphqlUrl, two.apiKey.secret), StoreDocument)).store.name).toBe('Two');
  });

  it('limits callers with made-up keys by their address, so guessing keys is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) {
      const reply = await post(
        { query: '{ store { id } }' },
        { url: limited.graphqlUrl, key: `kassa_sk_00000000_guess${i}` },
      );
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array(RATE_LIMIT).fill(401), 429]);
    // Keyed callers from the same address have buckets of their own.
    expect((await run(client(limited.graphqlUrl, two.apiKey.secret), StoreDocument)).store.name).toBe('Two');
  });
});

describe('malformed and unknown documents', () => {
  it('answers a syntax error with GRAPHQL_PARSE_FAILED and writes nothing', async () => {
    const before = await storeRow();
    const reply = await post(
      { query: 'mutation { updateStore(input: { name: "Broken" }) { id ' },
      { key: store.apiKey.secret },
    );
    expectRefused(reply, 'GRAPHQL_PARSE_FAILED', 'Syntax Error');
    expect(await storeRow()).toEqual(before);
  });

  it('refuses a body that is not JSON with a 400 and a message', async () => {
    const reply = await fetch(kassa.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(reply.status).toBe(400);
    const body = await reply.json();
    expect(body.errors[0].message).toMatch(/json/i);
  });

  it('refuses unknown fields and arguments without suggesting real names', async () => {
    const key = store.apiKey.secret;
    const field = expectRefused(
      await post({ query: '{ stor { id } }' }, { key }),
      /^GRAPHQL_VALIDATION/,
      'stor',
    );
    expect(field.message).not.toMatch(/did you mean/i);
    expect(field.message).not.toContain('"store"');

    const argument = await post({ query: 'mutation { updateStore(inpt: { name: "X" }) { id } }' }, { key });
    const messages = argument.body.errors!.map((e) => e.message).join('\n');
    expect(messages).toContain('inpt');
    expect(messages).not.toMatch(/did you mean/i);

    const type = await post({ query: 'query ($x: StoreSettingsInpt) { store { id } }' }, { key });
    expect(type.body.errors!.map((e) => e.message).join('\n')).not.toMatch(/did you mean/i);
  });

  it('refuses an unknown input field in variables without suggesting real names, and writes nothing', async () => {
    const before = await storeRow();
    const error = await expectCode(
      run(client(kassa.graphqlUrl, store.apiKey.secret), UpdateStoreDocument, {
        input: { nam: 'Renamed' },
      } as unknown as UpdateStoreMutationVariables),
      'GRAPHQL_VALIDATION',
    );
    expect(error.message).toContain('"nam"');
    expect(error.message).not.toMatch(/did you mean/i);
    expect(error.message).not.toContain('"name"');
    expect(await storeRow()).toEqual(before);
  });
});

describe('scalars', () => {
  const admin = () => client(kassa.graphqlUrl, store.apiKey.secret);

  it.each(['1e2', '1.5e0', '0x10', '.5', '1.', ' 1.5', '1,5', 'NaN', 'Infinity', ''])(
    'refuses the Decimal %j for paymentTolerancePercent with VALIDATION and writes nothing',
    async (value) => {
      const before = await storeRow();
      await expectCode(
        run(admin(), UpdateStoreDocument, { input: { paymentTolerancePercent: value } }),
        'VALIDATION',
      );
      expect(await storeRow()).toEqual(before);
    },
  );

  it('refuses a JSON number or an inline float for a Decimal: money is never a float', async () => {
    await expectCode(
      run(admin(), UpdateStoreDocument, { input: { paymentTolerancePercent: 1.5 as unknown as string } }),
      'VALIDATION',
    );
    const literal = await post(
      { query: 'mutation { updateStore(input: { paymentTolerancePercent: 1.5 }) { id } }' },
      { key: store.apiKey.secret },
    );
    expectRefused(literal, 'VALIDATION', 'Decimal');
  });

  it('accepts a decimal string and answers it as a string', async () => {
    const { updateStore } = await run(admin(), UpdateStoreDocument, {
      input: { paymentTolerancePercent: '2.25' },
    });
    expect(updateStore.paymentTolerancePercent).toBe('2.25');
    expect((await storeRow()).paymentTolerancePercent).toBe('2.25');
  });

  const scalar = (name: string) => schema.getType(name) as GraphQLScalarType;
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      return (error as GraphQLError).extensions.code;
    }
    throw new Error('expected the scalar to refuse the value');
  };

  it('BigInt takes integers as decimal strings up to 78 digits and nothing else', () => {
    const bigInt = scalar('BigInt');
    const wei = 2n ** 256n - 1n; // 78 digits
    expect(bigInt.parseValue('1500000')).toBe(1_500_000n);
    expect(bigInt.parseValue('-42')).toBe(-42n);
    expect(bigInt.parseValue(wei.toString())).toBe(wei);
    expect(bigInt.parseValue(21)).toBe(21n);
    expect(bigInt.parseLiteral({ kind: Kind.STRING, value: '7' }, {})).toBe(7n);
    expect(bigInt.parseLiteral({ kind: Kind.INT, value: '8' }, {})).toBe(8n);
    expect(bigInt.serialize(wei)).toBe(wei.toString());
    for (const bad of [
      '1e3',
      '1.0',
      '+5',
      '',
      ' 1',
      '0x1f',
      `1${'0'.repeat(78)}`,
      1.5,
      2 ** 53,
      null,
      true,
    ]) {
      expect(
        codeOf(() => bigInt.parseValue(bad)),
        String(bad),
      ).toBe('VALIDATION');
    }
    expect(codeOf(() => bigInt.parseLiteral({ kind: Kind.FLOAT, value: '1.5' }, {}))).toBe('VALIDATION');
  });

  it('Decimal takes plain decimal strings only', () => {
    const decimal = scalar('Decimal');
    expect(decimal.parseValue('19.99')).toBe('19.99');
    expect(decimal.parseValue('-0.5')).toBe('-0.5');
    expect(decimal.parseValue('100')).toBe('100');
    for (const bad of ['1e2', '1.', '.5', '', '1.2.3', 19.99, 1, `1${'0'.repeat(100)}`]) {
      expect(
        codeOf(() => decimal.parseValue(bad)),
        String(bad),
      ).toBe('VALIDATION');
    }
    expect(codeOf(() => decimal.parseLiteral({ kind: Kind.FLOAT, value: '1.5' }, {}))).toBe('VALIDATION');
  });

  it('DateTime takes ISO 8601 strings and answers in UTC', () => {
    const dateTime = scalar('DateTime');
    expect((dateTime.parseValue('2026-01-31T12:00:00Z') as Date).toISOString()).toBe(
      '2026-01-31T12:00:00.000Z',
    );
    expect((dateTime.parseValue('2026-01-31T13:00:00+01:00') as Date).toISOString()).toBe(
      '2026-01-31T12:00:00.000Z',
    );
    expect(dateTime.serialize(new Date('2026-01-31T12:00:00Z'))).toBe('2026-01-31T12:00:00.000Z');
    for (const bad of [
      '2026-01-31',
      'yesterday',
      '31/01/2026 12:00',
      '2026-01-31Tnoon',
      1_769_860_800_000,
      '',
    ]) {
      expect(
        codeOf(() => dateTime.parseValue(bad)),
        String(bad),
      ).toBe('VALIDATION');
    }
  });
});

describe('maskError', () => {
  it('masks an unexpected error as "Unexpected error." with code INTERNAL and reports it', () => {
    const onUnexpected = vi.fn();
    const leak = new Error('connect ECONNREFUSED postgres://kassa:hunter2@db:5432');
    const masked = maskError(leak, onUnexpected);
    expect(masked).toBeInstanceOf(GraphQLError);
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions).toEqual({ code: 'INTERNAL' });
    expect(JSON.stringify(masked.toJSON())).not.toContain('hunter2');
    expect(onUnexpected).toHaveBeenCalledExactlyOnceWith(leak);
  });

  it('masks a resolver error that graphql-js wrapped, keeping its path', () => {
    const onUnexpected = vi.fn();
    const leak = new TypeError("Cannot read properties of undefined (reading 'secretHash')");
    const masked = maskError(locatedError(leak, undefined, ['store', 'name']), onUnexpected);
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions.code).toBe('INTERNAL');
    expect(masked.path).toEqual(['store', 'name']);
    expect(onUnexpected).toHaveBeenCalledExactlyOnceWith(leak);
  });

  it('masks thrown values that are not errors', () => {
    const onUnexpected = vi.fn();
    expect(maskError('a string', onUnexpected).extensions.code).toBe('INTERNAL');
    expect(maskError(undefined, onUnexpected).message).toBe('Unexpected error.');
    expect(onUnexpected).toHaveBeenCalledTimes(2);
  });

  it('maps KassaErrors to their short message, stable code and details, even when wrapped', () => {
    const onUnexpected = vi.fn();
    const validation = maskError(
      locatedError(new ValidationError('label', 'must be 1 to 100 characters'), undefined, ['createApiKey']),
      onUnexpected,
    );
    expect(validation.message).toBe('label: must be 1 to 100 characters');
    expect(validation.extensions).toEqual({ code: 'VALIDATION', field: 'label' });
    expect(validation.path).toEqual(['createApiKey']);

    const notFound = maskError(new NotFoundError('API key', 'k1'), onUnexpected);
    expect(notFound.extensions).toEqual({ code: 'NOT_FOUND', what: 'API key', id: 'k1' });
    expect(onUnexpected).not.toHaveBeenCalled();
  });

  it('gives UNAUTHENTICATED an HTTP 401 and RATE_LIMITED an HTTP 429', () => {
    const unauthenticated = maskError(new UnauthenticatedError(), () => {});
    expect(unauthenticated.extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    const limited = maskError(new RateLimitedError(7), () => {});
    expect(limited.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 7,
      http: { status: 429 },
    });
  });

  it('never lets details override the stable code, and never exposes the cause', () => {
    const error = new KassaError('UNKNOWN_ASSET', 'unknown asset XYZ', {
      details: { code: 'XYZ', http: { status: 200 } },
      cause: new Error('secret internals'),
    });
    const masked = maskError(error, () => {});
    expect(masked.extensions.code).toBe('UNKNOWN_ASSET');
    expect(masked.message).toBe('unknown asset XYZ');
    expect(JSON.stringify(masked.toJSON())).not.toContain('secret internals');
  });

  it('passes graphql-js and scalar errors with their code, and gives code-less ones a GRAPHQL_ code', () => {
    const onUnexpected = vi.fn();
    const scalarError = new GraphQLError('Decimal must be a string', { extensions: { code: 'VALIDATION' } });
    const wrapped = new GraphQLError('Variable "$input" got invalid value 1.5; Decimal must be a string', {
      originalError: scalarError,
    });
    const masked = maskError(wrapped, onUnexpected);
    expect(masked.message).toBe('Variable "$input" got invalid value 1.5; Decimal must be a string');
    expect(masked.extensions.code).toBe('VALIDATION');

    const syntax = maskError(new GraphQLError('Syntax Error: Unexpected <EOF>.'), onUnexpected);
    expect(syntax.message).toBe('Syntax Error: Unexpected <EOF>.');
    expect(String(syntax.extensions.code)).toMatch(/^GRAPHQL_/);
    expect(onUnexpected).not.toHaveBeenCalled();
  });

  it('removes "Did you mean" suggestions from graphql-js messages', () => {
    const masked = maskError(
      new GraphQLError(
        'Variable "$input" got invalid value { nam: "x" }; Field "nam" is not defined by type "StoreSettingsInput". Did you mean "name"?',
      ),
      () => {},
    );
    expect(masked.message).not.toMatch(/did you mean/i);
    expect(masked.message).toContain('Field "nam" is not defined by type "StoreSettingsInput".');
    const several = maskError(
      new GraphQLError('Unknown type "Stor". Did you mean "Store", "Scalar", or "String"?'),
      () => {},
    );
    expect(several.message).toBe('Unknown type "Stor".');
  });
});

describe('typed operations keep working under the limits', () => {
  it('creates an API key with the typed document (a realistic mutation is within every limit)', async () => {
    const { createApiKey } = await run(client(kassa.graphqlUrl, store.apiKey.secret), CreateApiKeyDocument, {
      input: { label: 'within limits', scopes: ['invoices:read'] },
    });
    expect(createApiKey.apiKey.scopes).toEqual(['invoices:read']);
  });
});
