import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server saw it. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  /** Path and query exactly as sent, e.g. `/0/public/Ticker?pair=XBTEUR,ETHEUR`. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** What to answer; `hang: true` never answers (until the server closes), to test timeouts. */
export type FakeAnswer = { status?: number; body: string; hang?: false } | { hang: true };

export interface FakeRateServer {
  /** `http://127.0.0.1:<port>`, to pass as a provider's `baseUrl`. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * Test support: a local HTTP server on 127.0.0.1 that answers like a rate provider, with the
 * body the test gives (real provider formats, written out in each test). Counts requests so
 * tests can prove caching and request sharing. Lives here, not in test/support, because the
 * rates tests sit next to their code.
 *
 * @example
 * const server = await startFakeRateServer(() => ({ body: '{"bitcoin":{"eur":65012.34}}' }));
 * new CoinGeckoProvider({ baseUrl: server.url });
 */
export async function startFakeRateServer(
  answer: (request: SeenRequest) => FakeAnswer | Promise<FakeAnswer>,
): Promise<FakeRateServer> {
  const requests: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://localhost');
    const seen = { path: parsed.pathname, query: parsed.searchParams, url, headers: req.headers };
    requests.push(seen);
    const reply = await answer(seen);
    if (reply.hang) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
