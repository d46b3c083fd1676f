import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The files under assets/ that the page loads, by name: nothing else is ever served from there. */
const FILES: Record<string, string> = {
  'checkout.css': 'text/css; charset=utf-8',
  'checkout.js': 'text/javascript; charset=utf-8',
  'checkout-model.js': 'text/javascript; charset=utf-8',
  'checkout-strings.js': 'text/javascript; charset=utf-8',
  'checkout-text.js': 'text/javascript; charset=utf-8',
  'sse-subscription.js': 'text/javascript; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface CheckoutAssets {
  /** Changes whenever any file changes: the page appends it to its asset URLs. */
  version: string;
  /** Serves `name` (a path below /assets/checkout/); false when there is no such asset. */
  serve(req: IncomingMessage, res: ServerResponse, name: string): boolean;
}

/**
 * The page's stylesheet and scripts, read once at start. The browser revalidates them on each
 * load (no-cache + ETag: a 304 costs one round trip), so the page and the modules it imports
 * always come from the same release.
 */
export function loadCheckoutAssets(): CheckoutAssets {
  const assets = new Map<string, Asset>();
  const all = createHash('sha256');
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    assets.set(name, { body, type, etag: `"${hash}"` });
    all.update(hash);
  }
  return {
    version: all.digest('base64url').slice(0, 10),
    serve(req, res, name) {
      const asset = assets.get(name);
      if (!asset) return false;
      res.setHeader('content-type', asset.type);
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', asset.etag);
      res.setHeader('x-content-type-options', 'nosniff');
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304).end();
        return true;
      }
      res.setHeader('content-length', asset.body.length);
      res.writeHead(200).end(req.method === 'HEAD' ? undefined : asset.body);
      return true;
    },
  };
}
