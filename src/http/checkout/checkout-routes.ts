import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../../app/services.ts';
import { DEV_CHAIN_NAME } from '../../dev-chain/dev-chain-config.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import { amountToShow, type CheckoutInvoice, uriWithAmount } from './assets/checkout-model.js';
import { pickLocale } from './assets/checkout-strings.js';
import type { AssetLabel } from './assets/checkout-text.js';
import { loadCheckoutAssets } from './checkout-assets.ts';
import { loadCheckoutInvoice } from './load-checkout-invoice.ts';
import { qrSvg } from './qr-svg.ts';
import { renderCheckoutPage } from './render-checkout-page.ts';
import { renderMessagePage } from './render-message-page.ts';
import { setSecurityHeaders } from './security-headers.ts';

// Invoice ids are 22 base64url characters; a little slack for ids made by older versions.
const PAGE = /^\/pay\/([A-Za-z0-9_-]{1,64})\/?$/;
const QR = /^\/pay\/([A-Za-z0-9_-]{1,64})\/qr\/([A-Za-z0-9_]{1,20})\.svg$/;
const ASSETS = '/assets/checkout/';

/**
 * The hosted checkout page: `/pay/<invoiceId>` (the page), `/pay/<invoiceId>/qr/<ASSET>.svg`
 * (the QR code for what remains due, which the page reloads after a partial payment) and
 * `/assets/checkout/*` (its stylesheet and scripts). Returns the route name for metrics, or
 * undefined when the path is not the page's.
 */
export function createCheckoutRoutes(services: Services, limiter: RateLimiter) {
  const assets = loadCheckoutAssets();
  const labels = assetLabels(services);

  function message(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    titleKey: string,
    textKey: string,
  ): void {
    const locale = pickLocale(req.headers['accept-language']);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.writeHead(status).end(renderMessagePage({ locale, titleKey, textKey, assetVersion: assets.version }));
  }

  return async function serveCheckout(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<string | undefined> {
    if (path.startsWith(ASSETS)) {
      if (!assets.serve(req, res, path.slice(ASSETS.length))) return undefined;
      return 'checkout-asset';
    }
    const page = PAGE.exec(path);
    const qr = page ? undefined : QR.exec(path);
    if (!page && !qr) return undefined;
    setSecurityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      res.writeHead(405).end();
      return 'checkout';
    }
    // The same budget as anonymous GraphQL calls from this address: the page reads the database.
    const wait = limiter.take(`ip:${req.socket.remoteAddress ?? 'unknown'}`);
    if (wait > 0) {
      res.setHeader('retry-after', String(wait));
      message(req, res, 429, 'tooManyTitle', 'tooManyText');
      return 'checkout';
    }
    const id = (page ?? qr)![1];
    let invoice: CheckoutInvoice | undefined;
    try {
      invoice = await loadCheckoutInvoice(services, id);
    } catch (error) {
      services.log.error({ err: error }, 'checkout page failed to load an invoice');
      message(req, res, 500, 'errorTitle', 'errorText');
      return 'checkout';
    }
    if (!invoice) {
      message(req, res, 404, 'notFoundTitle', 'notFoundText');
      return 'checkout';
    }
    if (qr) {
      const method = invoice.paymentMethods.find((m) => m.asset === qr[2].toUpperCase());
      if (!method) {
        message(req, res, 404, 'notFoundTitle', 'notFoundText');
        return 'checkout';
      }
      res.setHeader('content-type', 'image/svg+xml; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.writeHead(200).end(await qrSvg(methodUri(method)));
      return 'checkout';
    }
    const qrSvgs: Record<string, string> = {};
    for (const method of invoice.paymentMethods) qrSvgs[method.asset] = await qrSvg(methodUri(method));
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const shown: Record<string, AssetLabel> = {};
    for (const m of invoice.paymentMethods) if (labels[m.asset]) shown[m.asset] = labels[m.asset];
    const body = renderCheckoutPage({
      invoice,
      assets: shown,
      locale: pickLocale(req.headers['accept-language']),
      asset: query.get('asset') ?? undefined,
      qrSvgs,
      dev: invoice.paymentMethods.some((m) => m.chain === DEV_CHAIN_NAME),
      nowMs: services.now().getTime(),
      assetVersion: assets.version,
    });
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.writeHead(200).end(req.method === 'HEAD' ? undefined : body);
    return 'checkout';
  };
}

/** The payment URI for what remains due (the full amount until something is paid). */
function methodUri(method: CheckoutInvoice['paymentMethods'][number]): string {
  return uriWithAmount(method.paymentUri, amountToShow(method), method.decimals);
}

/** Display name and ticker per configured asset (USDT_ETH → "Tether USD", "USDT"). */
function assetLabels(services: Services): Record<string, AssetLabel> {
  const labels: Record<string, AssetLabel> = {};
  for (const [code, asset] of Object.entries(services.chains.assets)) {
    labels[code] = { name: asset.name, symbol: asset.rateSymbol };
  }
  return labels;
}
