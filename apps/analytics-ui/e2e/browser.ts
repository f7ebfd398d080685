import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PACKAGE_DIR } from './stack.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = join(PACKAGE_DIR, 'test-results', 'screenshots');

/** The two windows every page is looked at in: a laptop screen and a narrow window. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  narrow: { width: 420, height: 860 },
} as const;

export type ViewportName = keyof typeof VIEWPORTS;

/** Debian's Chromium, headless, with the flags notes/stack.md §7 found to work on these machines. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newWindow(browser: Browser, viewport: ViewportName): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'en-US',
    timezoneId: 'Europe/Lisbon',
    acceptDownloads: true,
    // charts then draw at once, so a screenshot never catches them mid-animation
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Full-page screenshots under test-results/screenshots/, named `<page>-<viewport>.png`. */
export async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // a sticky header would otherwise be drawn where the page was scrolled to
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${viewport}.png`), fullPage: true });
}

/** Messages the page wrote to the console that point at a bug (not the expected 4xx answers). */
export function watchConsole(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // the browser logs every refused request; the UI shows those in words
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
    errors.push(`console: ${text}`);
  });
}
