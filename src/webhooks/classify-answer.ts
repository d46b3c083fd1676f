/** What an attempt's answer means for its delivery. */
export type AnswerClass = 'success' | 'retry' | 'final';

/**
 * Any 2xx is success, whatever the body (a plain `ok` included). 408, 429 and 5xx are worth
 * another try, as are network errors and timeouts (no status). Everything else (3xx: Kassa does
 * not follow redirects, which could lead anywhere; other 4xx) is the receiver's final answer.
 */
export function classifyAnswer(status: number | undefined): AnswerClass {
  if (status === undefined) return 'retry';
  if (status >= 200 && status < 300) return 'success';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'final';
}
