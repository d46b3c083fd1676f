import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.ts';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
/** 2^256: nothing Kassa counts (wei included) can exceed a uint256. */
const MAX_BIGINT_DIGITS = 78;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'VALIDATION' } });
}

function parseBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER.test(value) && value.replace('-', '').length <= MAX_BIGINT_DIGITS)
    return BigInt(value);
  throw invalid('BigInt must be an integer written as a decimal string, e.g. "1500000"');
}

builder.scalarType('BigInt', {
  description:
    'An integer amount in the smallest unit of its asset (satoshi, wei, cent), as a decimal string.',
  serialize: (value) => value.toString(),
  parseValue: parseBigInt,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseBigInt(ast.value);
    throw invalid('BigInt must be a decimal string');
  },
});

function parseDecimal(value: unknown): string {
  if (typeof value === 'string' && DECIMAL.test(value) && value.length <= 100) return value;
  throw invalid('Decimal must be a decimal number written as a string, e.g. "19.99"');
}

builder.scalarType('Decimal', {
  description: 'An exact decimal number (prices, rates) as a string, e.g. "19.99". Never a float.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parseDecimal(ast.value);
    throw invalid('Decimal must be a string');
  },
});

// A full ISO 8601 date-time with an explicit zone: a zone-less time would be read in the
// server's local zone, which is never what a caller means.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (match) {
    const date = new Date(value as string);
    // Rejects impossible dates such as 2026-02-30, which Date would roll over into March.
    const [, y, m, d] = match;
    const sameDay = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (
      !Number.isNaN(date.getTime()) &&
      sameDay.getUTCMonth() === Number(m) - 1 &&
      sameDay.getUTCDate() === Number(d)
    )
      return date;
  }
  throw invalid('DateTime must be an ISO 8601 string, e.g. "2026-01-31T12:00:00Z"');
}

builder.scalarType('DateTime', {
  description: 'A point in time as an ISO 8601 string in UTC.',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parseDateTime(ast.value);
    throw invalid('DateTime must be a string');
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value (merchant metadata).',
  serialize: (value) => value,
  parseValue: (value) => value,
});
