import { HttpRequestError, LimitExceededRpcError, RpcRequestError } from 'viem';
import { describe, expect, it } from 'vitest';
import { isLogsRangeError } from './is-logs-range-error.ts';

const rpcError = (code: number, message: string) =>
  new RpcRequestError({ body: { method: 'eth_getLogs' }, error: { code, message }, url: 'http://node' });

describe('isLogsRangeError', () => {
  it.each([
    'query returned more than 10000 results',
    'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
    'eth_getLogs is limited to a 10,000 range',
    'exceed maximum block range: 5000',
    'block range is too large',
    'block range too large',
    'ranges over 10000 blocks are not supported',
    'Query timeout exceeded. Consider reducing your block range.',
    'query exceeds max block range 100000',
    'too many logs',
  ])('splits on "%s"', (message) => {
    expect(isLogsRangeError(new Error(message))).toBe(true);
    // As viem wraps it: a typed RPC error whose cause holds the provider's words.
    expect(isLogsRangeError(new LimitExceededRpcError(rpcError(-32005, message)))).toBe(true);
    expect(isLogsRangeError({ code: -32602, message })).toBe(true);
  });

  it('finds the words in an HTTP error body', () => {
    const error = new HttpRequestError({
      url: 'http://node',
      status: 400,
      body: { method: 'eth_getLogs' },
      details: JSON.stringify({ code: -32600, message: 'block range too large' }),
    });
    expect(isLogsRangeError(error)).toBe(true);
  });

  it.each([
    'daily request count exceeded, request rate limited',
    'rate limit exceeded',
    'Too Many Requests',
    'header not found',
    'invalid params',
  ])('does not split on "%s"', (message) => {
    expect(isLogsRangeError(new LimitExceededRpcError(rpcError(-32005, message)))).toBe(false);
  });

  it('is false for anything that is not an error object', () => {
    expect(isLogsRangeError(undefined)).toBe(false);
    expect(isLogsRangeError('block range too large')).toBe(false);
  });
});
