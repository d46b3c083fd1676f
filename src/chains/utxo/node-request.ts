import { BackendConfigError } from './backend-config-error.ts';
import { NodeUnavailableError } from './utxo-backend.ts';

/**
 * One HTTP exchange with a node, the body included, under one deadline. Every way it can fail
 * becomes one of three things: the caller's own abort (rethrown as it came), a NodeUnavailableError
 * (down, refused, reset, timed out: retry later), or a BackendConfigError raised by `read`.
 */
export interface NodeRequest {
  url: string;
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the request in errors, e.g. "bitcoind getblock at http://127.0.0.1:8332/". */
  label: string;
}

/**
 * @example
 * const height = await requestNode(
 *   { url: `${base}/blocks/tip/height`, init: {}, timeoutMs: 10_000, label: 'esplora tip height' },
 *   (response) => response.text(),
 * );
 */
export async function requestNode<T>(
  request: NodeRequest,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await fetch(request.url, { ...request.init, signal });
    return await read(response);
  } catch (error) {
    if (error instanceof NodeUnavailableError || error instanceof BackendConfigError) throw error;
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) {
      throw new NodeUnavailableError(`${request.label}: no answer within ${request.timeoutMs} ms`, {
        cause: error,
      });
    }
    throw new NodeUnavailableError(`${request.label}: ${describe(error)}`, { cause: error });
  }
}

/** The URL without user and password, for messages and logs. @example safeUrl('http://u:p@host:8332/') // 'http://host:8332/' */
export function safeUrl(url: string | URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/** The start of a body, for error messages: enough to recognise a proxy's error page. */
export async function excerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** undici reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  if (typeof cause?.message === 'string') return `connection failed (${cause.message})`;
  return error instanceof Error ? error.message : String(error);
}
