import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT_CSP } from '../../src/http/checkout/security-headers.ts';
import { launchBrowser, pageErrors, saveScreenshot } from './support/browser.ts';
import {
  type CheckoutWorld,
  createInvoice,
  graphql,
  payEth,
  startCheckoutWorld,
  statusOf,
  type TestInvoice,
  until,
} from './support/checkout-world.ts';

// Markup in every merchant-controlled text the page shows: it must come out as text.
const EVIL_STORE = `Bob's <b>"Shop"</b> & <script>alert(1)</script>`;

let world: CheckoutWorld;
let browser: Browser;

beforeAll(async () => {
  world = await startCheckoutWorld(EVIL_STORE);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

async function open(path: string, options: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  const page = await context.newPage();
  const errors = pageErrors(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  const response = await page.goto(`${world.kassa.url}${path}`);
  return { page, response, errors, dialogs, close: () => context.close() };
}

async function waitForStatus(page: Page, text: string) {
  await page.locator('#status', { hasText: text }).waitFor({ timeout: 20_000 });
}

/** Moves Kassa's clock past the deadline; the worker's deadline sweep expires the invoice. */
async function expire(invoice: TestInvoice) {
  world.clockOffsetMs.value = Date.parse(invoice.expiresAt) + 1000 - Date.now();
  await until(async () => (await statusOf(world, invoice.id)) === 'EXPIRED', 'EXPIRED', 30_000);
}

describe('checkout page states', () => {
  it('turns to expired live when the deadline passes, hiding the address', async () => {
    const invoice = await createInvoice(world, { price: '5', assets: ['ETH'] });
    const { page, errors, close } = await open(`/pay/${invoice.id}`);
    expect(await page.locator('#address-ETH').isVisible()).toBe(true);
    try {
      await expire(invoice);
    } finally {
      world.clockOffsetMs.value = 0;
    }
    await waitForStatus(page, 'This invoice has expired. Do not send a payment to it.');
    expect(await page.locator('main').getAttribute('data-state')).toBe('expired');
    expect(await page.locator('#payment').isHidden()).toBe(true);
    expect(await page.locator('#timer-row').isHidden()).toBe(true);
    await saveScreenshot(page, 'checkout-phone-expired');
    expect(errors).toEqual([]);
    await close();
  });

  it('renders an expired, partially paid invoice with a note, straight from the server', async () => {
    const invoice = await createInvoice(world, { price: '5', assets: ['ETH'] });
    const method = invoice.paymentMethods[0];
    await payEth(world, method.address, BigInt(method.amountDue) / 2n);
    await until(async () => {
      const { rows } = await world.sql.query(
        'SELECT "exceptionStatus"::text AS e FROM "Invoice" WHERE id = $1',
        [invoice.id],
      );
      return rows[0].e === 'PAID_PARTIAL';
    }, 'PAID_PARTIAL');
    try {
      await expire(invoice);
    } finally {
      world.clockOffsetMs.value = 0;
    }
    // Without JavaScript: what the server rendered is all there is.
    const { page, close } = await open(`/pay/${invoice.id}`, { javaScriptEnabled: false });
    expect(await page.locator('#status').textContent()).toBe(
      'This invoice has expired. Do not send a payment to it.',
    );
    expect(await page.locator('#note').textContent()).toBe(
      `It was paid only in part: contact ${EVIL_STORE} about the amount you sent.`,
    );
    expect(await page.locator('#payment').isHidden()).toBe(true);
    await close();
  });

  it('renders a paid invoice as paid with no script at all (no flash of "waiting")', async () => {
    const invoice = await createInvoice(world, {
      price: '5',
      assets: ['ETH'],
      redirectUrl: `${world.shopUrl}/done`,
    });
    const method = invoice.paymentMethods[0];
    await payEth(world, method.address, BigInt(method.amountDue));
    await world.anvil.mine(2);
    await until(async () => (await statusOf(world, invoice.id)) === 'SETTLED', 'SETTLED');
    const { page, close } = await open(`/pay/${invoice.id}`, { javaScriptEnabled: false });
    expect(await page.locator('#status').textContent()).toBe('Paid. Thank you!');
    expect(await page.locator('main').getAttribute('data-state')).toBe('paid');
    expect(await page.locator('#redirect-link').getAttribute('href')).toBe(`${world.shopUrl}/done`);
    expect(await page.locator('#redirect').isVisible()).toBe(true);
    // A settled page is final: no refresh loop, only the way back to the shop.
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe(
      `3;url=${world.shopUrl}/done`,
    );
    await page.waitForURL(`${world.shopUrl}/done`, { timeout: 15_000 });
    await close();
  });

  it('says so when the buyer paid more than was due', async () => {
    const invoice = await createInvoice(world, { price: '5', assets: ['ETH'] });
    const method = invoice.paymentMethods[0];
    const { page, errors, close } = await open(`/pay/${invoice.id}`);
    await payEth(world, method.address, BigInt(method.amountDue) * 2n);
    await waitForStatus(page, 'Payment received: confirming (1 of 3)');
    expect(await page.locator('#note').textContent()).toBe(
      `You paid more than was due: contact ${EVIL_STORE} about the difference.`,
    );
    await world.anvil.mine(2);
    await waitForStatus(page, `Paid, with more than was due. Contact ${EVIL_STORE} about the difference.`);
    expect(await page.locator('main').getAttribute('data-state')).toBe('overpaid');
    expect(await page.locator('#note').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('turns to invalid live when the merchant marks the invoice invalid', async () => {
    const invoice = await createInvoice(world, { price: '5', assets: ['ETH'] });
    const { page, errors, close } = await open(`/pay/${invoice.id}`);
    await graphql(
      world.kassa.graphqlUrl,
      world.storeKey,
      'mutation($id: ID!) { markInvoice(id: $id, status: INVALID) { id } }',
      {
        id: invoice.id,
      },
    );
    await waitForStatus(
      page,
      `This invoice is invalid: a payment was reversed or refused. Contact ${EVIL_STORE}.`,
    );
    expect(await page.locator('#payment').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('escapes merchant text everywhere, runs no inline script, and sends a strict CSP', async () => {
    const invoice = await createInvoice(world, {
      price: '5',
      assets: ['ETH'],
      description: '<img src=x onerror="alert(2)"> </script><script>alert(3)</script>',
    });
    const { page, response, errors, dialogs, close } = await open(`/pay/${invoice.id}`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(CHECKOUT_CSP);
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['cache-control']).toBe('no-store');
    expect(await page.title()).toBe(`Pay ${EVIL_STORE}`);
    expect(await page.locator('.store').textContent()).toBe(EVIL_STORE);
    expect(await page.locator('.description').textContent()).toBe(
      '<img src=x onerror="alert(2)"> </script><script>alert(3)</script>',
    );
    expect(await page.locator('.description img, .store b, main script').count()).toBe(0);
    // The page's own script ran (it marks the document) and kept the server's text.
    await page.waitForFunction(() => document.documentElement.classList.contains('js'));
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('answers an unknown invoice with a 404 page, and only GET and HEAD', async () => {
    const { page, response, close } = await open('/pay/AAAAAAAAAAAAAAAAAAAAAA');
    expect(response!.status()).toBe(404);
    expect(response!.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response!.headers()['content-security-policy']).toBe(CHECKOUT_CSP);
    expect(await page.locator('h1').textContent()).toBe('Invoice not found');
    await close();
    const posted = await fetch(`${world.kassa.url}/pay/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect((await fetch(`${world.kassa.url}/pay/not%20an%20id`)).status).toBe(404);
    expect((await fetch(`${world.kassa.url}/assets/checkout/../../package.json`)).status).toBe(404);
    expect((await fetch(`${world.kassa.url}/assets/checkout/nothing.js`)).status).toBe(404);
  });

  it('serves its assets with revalidation, and the QR code of one method as SVG', async () => {
    const js = await fetch(`${world.kassa.url}/assets/checkout/checkout.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = js.headers.get('etag')!;
    const again = await fetch(`${world.kassa.url}/assets/checkout/checkout.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const invoice = await createInvoice(world, { price: '5', assets: ['ETH'] });
    const qr = await fetch(`${world.kassa.url}/pay/${invoice.id}/qr/ETH.svg`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await qr.text()).toMatch(/^<svg class="qr-code"/);
    expect((await fetch(`${world.kassa.url}/pay/${invoice.id}/qr/BTC.svg`)).status).toBe(404);
  });
});
