import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';

/** A live subscription whose results can be awaited one by one, whatever the transport. */
export interface LiveSubscription<R> {
  /** Resolves with the next result (or rejects on an error message), within `timeoutMs`. */
  next(timeoutMs?: number): Promise<R>;
  close(): Promise<void>;
}

function queue<R>() {
  const items: Array<{ value?: R; error?: unknown }> = [];
  const waiters: Array<(item: { value?: R; error?: unknown }) => void> = [];
  return {
    push(item: { value?: R; error?: unknown }) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    next(timeoutMs: number): Promise<R> {
      const take = (item: { value?: R; error?: unknown }) => {
        if (item.error !== undefined) throw item.error;
        return item.value as R;
      };
      const ready = items.shift();
      if (ready) return Promise.resolve().then(() => take(ready));
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no subscription result within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((item) => {
          clearTimeout(timer);
          try {
            resolve(take(item));
          } catch (error) {
            reject(error);
          }
        });
      });
    },
  };
}

/** Subscribes over graphql-ws with `connectionParams.authorization`. */
export function subscribeWs<R, V>(
  wsUrl: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  key?: string,
): LiveSubscription<R> {
  const results = queue<R>();
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
  });
  const unsubscribe = client.subscribe(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length)
          results.push({ error: Object.assign(new Error(result.errors[0].message), result.errors[0]) });
        else results.push({ value: result.data as R });
      },
      error: (error) =>
        results.push({
          error: Array.isArray(error) ? Object.assign(new Error(error[0].message), error[0]) : error,
        }),
      complete: () => {},
    },
  );
  return {
    next: (timeoutMs = 5000) => results.next(timeoutMs),
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

/** Subscribes over Server-Sent Events (POST with `Accept: text/event-stream`). */
export function subscribeSse<R, V>(
  graphqlUrl: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  key?: string,
): LiveSubscription<R> {
  const results = queue<R>();
  const abort = new AbortController();
  (async () => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
      signal: abort.signal,
    });
    if (!response.headers.get('content-type')?.includes('text/event-stream')) {
      // Refused before streaming (bad credentials, invalid document): a plain GraphQL response.
      const body = await response.json();
      const first = body.errors?.[0] ?? { message: `HTTP ${response.status}` };
      results.push({ error: Object.assign(new Error(first.message), first, { status: response.status }) });
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === 'next' && data) {
          const result = JSON.parse(data);
          if (result.errors?.length)
            results.push({ error: Object.assign(new Error(result.errors[0].message), result.errors[0]) });
          else results.push({ value: result.data as R });
        }
      }
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') results.push({ error });
  });
  return {
    next: (timeoutMs = 5000) => results.next(timeoutMs),
    async close() {
      abort.abort();
    },
  };
}
