import { numberToDecimal } from './decimal.ts';

interface ReviverContext {
  source?: string;
}

/**
 * `JSON.parse`, except that every JSON number comes back as its source text (a string), so a
 * price like `65012.34` or `0.12345678901234567891` keeps every digit the sender wrote instead
 * of being squeezed into a double. Uses the reviver's `context.source` (JSON.parse source text
 * access, Node ≥ 21); should a runtime lack it, falls back to `numberToDecimal`, which is exact
 * for every number a double can hold. Exponent forms such as `1e-7` are kept as written; pass
 * them through `normalizeDecimal`/`normalizeRate`. Throws `SyntaxError` on malformed JSON.
 *
 * @example
 * parseJsonExact('{"bitcoin":{"eur":65012.34}}'); // { bitcoin: { eur: '65012.34' } }
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: ReviverContext) =>
    typeof value === 'number' ? (context?.source ?? numberToDecimal(value)) : value,
  );
}
