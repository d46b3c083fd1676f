/**
 * How providers say an eth_getLogs query asked for too much (too many blocks or too many
 * results): Infura/geth "query returned more than 10000 results", Alchemy "Log response size
 * exceeded" and "eth_getLogs is limited to a 10,000 range", BSC "exceed maximum block range:
 * 5000", others "block range is too large", "ranges over 10000 blocks are not supported",
 * "query timeout exceeded ... reduce the block range". Rate limits (also code -32005 at some
 * providers) are deliberately not matched: splitting would only multiply the requests.
 */
const RANGE_TOO_LARGE =
  /more than [\d,]+ (results|logs)|too many (results|logs|blocks)|(block )?range (is )?too (large|wide|big)|exceed(s|ed)? (the )?max(imum)? (block )?range|max(imum)? block range|block range (limit|exceeded)|range limit exceeded|ranges? over [\d,]+ blocks|response size (is )?(exceeded|too large|larger)|log response size|limited to (a )?[\d,]+ (block )?range|reduc(e|ing) (your |the )?(block )?range|query timeout exceeded/i;

/**
 * Whether an error from an eth_getLogs request (a viem error, its causes, or a plain RPC error
 * object) says the block range should be smaller.
 * @example isLogsRangeError(new Error('query returned more than 10000 results')) // true
 */
export function isLogsRangeError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== null && typeof current === 'object'; depth++) {
    const { message, details, shortMessage, cause } = current as Record<string, unknown>;
    for (const text of [message, details, shortMessage]) {
      if (typeof text === 'string' && RANGE_TOO_LARGE.test(text)) return true;
    }
    current = cause;
  }
  return false;
}
