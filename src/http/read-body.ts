import type { IncomingMessage } from 'node:http';

export class TooLargeError extends Error {
  override name = 'TooLargeError';
}

/**
 * Reads a request body, refusing as soon as it passes `limit` bytes (declared or streamed), so
 * an oversized or endless body never sits in memory.
 */
export async function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new TooLargeError();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new TooLargeError();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
