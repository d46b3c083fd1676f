import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium driven by playwright-core. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const ROOT = new URL('../../../', import.meta.url).pathname;
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts');
export const DOCS_SCREENSHOT = join(ROOT, 'docs', 'checkout.png');

/** Saves a full-page screenshot under test-artifacts/ (gitignored); returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Copies a screenshot to docs/checkout.png for the README when it is missing or when
 * UPDATE_SCREENSHOTS=1: every run renders a new invoice id and countdown, so an unconditional
 * copy would change a committed file on each test run.
 */
export function updateDocsScreenshot(path: string): void {
  if (existsSync(DOCS_SCREENSHOT) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(dirname(DOCS_SCREENSHOT), { recursive: true });
  copyFileSync(path, DOCS_SCREENSHOT);
}

/** Collects console errors and uncaught exceptions of a page (a CSP violation shows as one). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}
