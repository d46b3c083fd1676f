/**
 * A GraphQL subscription over Server-Sent Events with fetch: a POST with a JSON body and
 * `Accept: text/event-stream` (EventSource can only GET). The JSON content type also satisfies
 * the server's CSRF prevention; no credentials are sent (the invoice id is the capability).
 * Reconnects with backoff; each new subscription starts with the invoice as it is now, so
 * nothing missed while disconnected is lost.
 */
export function subscribe({ url, query, variables, onData, onError, onConnection }) {
  let stopped = false;
  let controller;
  let failures = 0;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query, variables }),
          credentials: 'omit',
          cache: 'no-store',
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        for await (const event of readEvents(response.body)) {
          if (event.type === 'complete') break;
          if (event.type !== 'next') continue;
          const result = JSON.parse(event.data);
          if (result.errors?.length) {
            // NOT_FOUND and the like will not go away by retrying.
            stopped = true;
            onError(result.errors[0]);
            return;
          }
          failures = 0;
          onConnection(true);
          onData(result.data);
        }
      } catch {
        // A dropped connection or a server restart: retried below.
      }
      if (stopped) return;
      onConnection(false);
      failures++;
      await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 500 * 2 ** Math.min(failures, 5))));
    }
  }

  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** Yields {type, data} for each event of an SSE stream; comments (keep-alives) are skipped. */
async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0 || type === 'complete') yield { type, data: data.join('\n') };
    }
  }
}
