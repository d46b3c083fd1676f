// The baseline of realtime-subscribers: a bare `ws` WebSocketServer on plain node:http, as the
// ws README shows it, holding connections and nothing else. Each new connection gets one text
// message "hello" (so a client knows it is fully open, as a graphql-ws client knows from its
// first `next`); POST /broadcast answers 204 at once and then sends its body to every open
// connection. Prints {"port": n} once listening; SIGUSR2 reports memory (process-memory.ts);
// stops on SIGTERM.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { reportMemoryOnSignal } from '../process-memory.ts';

reportMemoryOnSignal();

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = Buffer.concat(chunks).toString();
    res.writeHead(204).end();
    // After the answer, as Kassa fans out after its mutation's commit.
    setImmediate(() => {
      for (const client of wss.clients) client.send(message);
    });
  });
});
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (socket) => socket.send('hello'));

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
