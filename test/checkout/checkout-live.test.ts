import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUnits } from '../../src/domain/decimal-units.ts';
import { uriWithAmount } from '../../src/http/checkout/assets/checkout-model.js';
import { QR_OPTIONS } from '../../src/http/checkout/qr-svg.ts';
import { launchBrowser, pageErrors, saveScreenshot, updateDocsScreenshot } from './support/browser.ts';
import {
  type CheckoutWorld,
  createInvoice,
  payEth,
  payUsdt,
  startCheckoutWorld,
  type TestInvoice,
} from './support/checkout-world.ts';

let world: CheckoutWorld;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  world = await startCheckoutWorld('Corner Coffee');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.kassa.url });
});

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

/** The `d` of the QR code's dark modules: equal paths mean equal codes. */
function darkPath(svg: string): string | undefined {
  return /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1];
}

async function expectQrFor(page: Page, asset: string, uri: string) {
  const svg = await page.locator(`#method-${asset} figure.qr svg`).evaluate((e) => e.outerHTML);
  expect(darkPath(svg)).toBeTruthy();
  expect(darkPath(svg)).toBe(darkPath(await QRCode.toString(uri, QR_OPTIONS)));
}

async function waitForStatus(page: Page, text: string, timeout = 20_000) {
  try {
    await page.locator('#status', { hasText: text }).waitFor({ timeout });
  } catch (error) {
    const shown = await page.locator('#status').textContent();
    throw new Error(`the status never read "${text}"; it reads "${shown}"`, { cause: error });
  }
}

/** Opens the page and marks the document, so a reload would be noticed. */
async function open(invoice: TestInvoice, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = pageErrors(page);
  const response = await page.goto(`${world.kassa.url}/pay/${invoice.id}${query}`);
  expect(response?.status()).toBe(200);
  await page.evaluate(() => {
    (window as unknown as { kassaMarker: boolean }).kassaMarker = true;
  });
  return { page, errors };
}

const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { kassaMarker?: boolean }).kassaMarker === true);

describe('the checkout page of a new invoice', () => {
  it('shows the amount, the address and the QR code, follows an ETH payment live to paid, then returns to the shop', async () => {
    const invoice = await createInvoice(world, {
      price: '24.50',
      description: 'Two flat whites & a croissant',
      assets: ['ETH', 'USDT_ETH'],
      redirectUrl: `${world.shopUrl}/thanks?order=42`,
    });
    const eth = invoice.paymentMethods.find((m) => m.asset === 'ETH')!;
    const { page, errors } = await open(invoice);

    await expect(page.title()).resolves.toBe('Pay Corner Coffee');
    expect(await page.locator('.store').textContent()).toBe('Corner Coffee');
    expect(await page.locator('h1.price').textContent()).toBe('Price: 24.50 EUR');
    expect(await page.locator('#status').textContent()).toBe('Waiting for your payment');
    expect(await page.locator('.dev-banner').textContent()).toContain('Development only');
    expect(await page.locator('#amount-ETH [data-field="amount"]').textContent()).toBe(
      formatUnits(BigInt(eth.amountDue), 18),
    );
    expect(await page.locator('#address-ETH').textContent()).toBe(eth.address);
    expect(await page.locator('#countdown').textContent()).toMatch(/^1[45]:\d\d$/);
    await expectQrFor(page, 'ETH', eth.paymentUri);
    expect(await page.locator('#method-USDT_ETH').isHidden()).toBe(true);
    // Phone-sized: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'checkout-phone-waiting');

    // The README's picture: the same page at a desktop width.
    const wide = await browser.newPage({ viewport: { width: 820, height: 900 } });
    await wide.goto(`${world.kassa.url}/pay/${invoice.id}`);
    await wide.locator('#countdown').waitFor();
    updateDocsScreenshot(await saveScreenshot(wide, 'checkout-desktop-waiting'));
    await wide.close();

    await payEth(world, eth.address, BigInt(eth.amountDue));
    await waitForStatus(page, 'Payment received: confirming (1 of 3)');
    expect(await page.locator('#payment').isHidden()).toBe(true);
    expect(await page.locator('#timer-row').isHidden()).toBe(true);
    await world.anvil.mine(1);
    await waitForStatus(page, 'Payment received: confirming (2 of 3)');
    await world.anvil.mine(1);
    await waitForStatus(page, 'Paid. Thank you!');
    expect(await stillSameDocument(page)).toBe(true);
    expect(await page.locator('main').getAttribute('data-state')).toBe('paid');
    expect(await page.locator('#redirect').isVisible()).toBe(true);
    await saveScreenshot(page, 'checkout-phone-paid');

    await page.waitForURL(`${world.shopUrl}/thanks?order=42`, { timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('Thank you for your order');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches to USDT with the keyboard, copies the address, and follows a token payment to paid', async () => {
    const invoice = await createInvoice(world, { price: '10', assets: ['ETH', 'USDT_ETH'] });
    const usdt = invoice.paymentMethods.find((m) => m.asset === 'USDT_ETH')!;
    const { page, errors } = await open(invoice);

    // Keyboard only: the radio group moves with the arrow keys.
    await page.getByRole('radio', { name: 'Ether (dev chain)', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Test Tether (dev chain)', exact: true }).isChecked()).toBe(
      true,
    );
    expect(new URL(page.url()).searchParams.get('asset')).toBe('USDT_ETH');
    expect(await page.locator('#method-USDT_ETH').isVisible()).toBe(true);
    expect(await page.locator('#method-ETH').isHidden()).toBe(true);
    expect(await page.locator('#amount-USDT_ETH').textContent()).toBe(
      `${formatUnits(BigInt(usdt.amountDue), 6)} USDT`,
    );
    await expectQrFor(page, 'USDT_ETH', usdt.paymentUri);

    const copy = page.getByRole('button', { name: 'Copy address' }).and(page.locator(':visible'));
    await copy.focus();
    await page.keyboard.press('Enter');
    await page.locator('#announcer', { hasText: 'Copied to the clipboard' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(usdt.address);

    await payUsdt(world, usdt.address, BigInt(usdt.amountDue));
    await waitForStatus(page, 'Payment received: confirming (1 of 3)');
    await world.anvil.mine(2);
    await waitForStatus(page, 'Paid. Thank you!');
    // No redirectUrl: the buyer stays on the page.
    expect(await page.locator('#redirect').isHidden()).toBe(true);
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks for the remaining amount after a partial payment, with a QR code for the rest', async () => {
    const invoice = await createInvoice(world, { price: '30', assets: ['ETH'] });
    const eth = invoice.paymentMethods[0];
    const due = BigInt(eth.amountDue);
    const { page, errors } = await open(invoice);
    // One method: no choice to make.
    expect(await page.locator('form.choice').count()).toBe(0);

    const first = (due * 4n) / 10n;
    await payEth(world, eth.address, first);
    const rest = formatUnits(due - first, 18);
    await waitForStatus(page, `Paid partially: send the remaining ${rest} ETH`);
    expect(await page.locator('main').getAttribute('data-state')).toBe('partial');
    expect(await page.locator('#amount-ETH [data-field="amount"]').textContent()).toBe(rest);
    expect(await page.locator('#address-ETH').isVisible()).toBe(true);
    const restUri = uriWithAmount(eth.paymentUri, due - first, 18);
    expect(await page.locator('#method-ETH .wallet-link').getAttribute('href')).toBe(restUri);
    await page.locator(`#method-ETH figure.qr[data-amount="${due - first}"]`).waitFor();
    await expect
      .poll(() =>
        page
          .locator('#method-ETH figure.qr svg')
          .evaluate((e) => e.outerHTML)
          .then(darkPath),
      )
      .toBe(darkPath(await QRCode.toString(restUri, QR_OPTIONS)));
    await saveScreenshot(page, 'checkout-phone-partial');

    await payEth(world, eth.address, due - first);
    await waitForStatus(page, 'Payment received: confirming (1 of 3)');
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
