/**
 * Embedded Signup in Chromium, as the platform's page does it: a page on another origin loads
 * `<sandbox>/sdk.js`, calls FB.login, and the popup is walked step by step. The page must get
 * the FINISH session event (a JSON string from the sandbox origin) and, separately, the code.
 * Screenshots of every step go to test-results/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = new URL('../test-results/', import.meta.url);

if (!HAS_CHROMIUM) {
  console.warn(
    `Skipping the Embedded Signup browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
}

/** The platform's side: load the SDK, call FB.login, keep what arrives. */
function openerPage(sandboxUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Platform</title>
<script src="${sandboxUrl}/sdk.js"></script></head><body>
<button id="connect" type="button">Connect WhatsApp</button>
<script>
  window.__events = [];
  window.__login = null;
  window.addEventListener('message', (event) => {
    if (event.origin !== ${JSON.stringify(sandboxUrl)}) return;
    try {
      const data = JSON.parse(event.data);
      if (data.type === 'WA_EMBEDDED_SIGNUP') window.__events.push({ raw: event.data, data });
    } catch {}
  });
  FB.init({ appId: '${SANDBOX_DEFAULTS.appId}', autoLogAppEvents: true, xfbml: true, version: 'v25.0' });
  document.getElementById('connect').addEventListener('click', () => {
    FB.login((response) => { window.__login = response; }, {
      config_id: '${SANDBOX_DEFAULTS.configId}',
      response_type: 'code',
      override_default_response_type: true,
      extras: { setup: {}, featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' },
    });
  });
</script></body></html>`;
}

describe.skipIf(!HAS_CHROMIUM)('Embedded Signup in a browser', () => {
  let t: TestSandbox;
  let browser: Browser;
  let opener: Server;
  let openerUrl: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestSandbox();
    opener = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(openerPage(t.sandbox.url));
    });
    await new Promise<void>((resolve) => opener.listen(0, '127.0.0.1', resolve));
    // `localhost` is another origin than the sandbox's `127.0.0.1`, as the platform's page would be.
    openerUrl = `http://localhost:${(opener.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
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
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (opener ? opener.close(() => resolve()) : resolve()));
    await t?.close();
  });

  async function openPopup(): Promise<{ page: Page; popup: Page }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await context.newPage();
    await page.goto(openerUrl);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
    await popup.setViewportSize({ width: 1000, height: 780 });
    await popup.waitForSelector('#step-login:not([hidden])');
    return { page, popup };
  }

  async function shot(popup: Page, name: string): Promise<void> {
    await popup.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });
  }

  it('walks the coexistence flow and hands the page the FINISH event and the code', async () => {
    const { page, popup } = await openPopup();
    expect(await popup.textContent('#es-sandbox-badge')).toBe('Coexist sandbox');
    await shot(popup, 'signup-1-login.png');
    await popup.click('#es-login-continue');

    await popup.waitForSelector('#step-portfolio:not([hidden])');
    await popup.check('#es-portfolio-new');
    await popup.fill('#es-portfolio-name', 'Lucky Shrub');
    await shot(popup, 'signup-2-portfolio.png');
    await popup.click('#es-portfolio-continue');

    await popup.waitForSelector('#step-connect:not([hidden])');
    expect(await popup.isChecked('#es-connect-existing')).toBe(true);
    await shot(popup, 'signup-3-connect.png');
    await popup.click('#es-connect-continue');

    await popup.waitForSelector('#step-number:not([hidden])');
    await popup.selectOption('#phone-country', 'BR');
    await popup.selectOption('#phone-app-version', '2.24.9');
    await popup.selectOption('#phone-timezone', 'America/Sao_Paulo');
    await popup.fill('#es-phone-number', '+55 11 91234-5678');
    await shot(popup, 'signup-4-number.png');
    // The form submits from the keyboard.
    await popup.press('#es-phone-number', 'Enter');

    await popup.waitForSelector('#step-qr:not([hidden])');
    const qr = await popup.getAttribute('#es-qr', 'src');
    expect(qr).toMatch(/^data:image\/svg\+xml/);
    await popup.click('#phone-scan');
    await popup.waitForSelector('#phone-error:has-text("2.24.17")');
    await shot(popup, 'signup-5-qr-app-too-old.png');
    await popup.selectOption('#phone-app-version', '2.25.12');
    await popup.click('#phone-scan');

    await popup.waitForSelector('#phone-view-connect:not([hidden])');
    await shot(popup, 'signup-6-phone-connect.png');
    await popup.click('#phone-connect-platform');
    await popup.waitForSelector('#phone-view-share:not([hidden])');
    await shot(popup, 'signup-7-phone-share.png');
    await popup.click('#phone-share-chats');

    await popup.waitForSelector('#step-review:not([hidden])');
    expect(await popup.textContent('#es-review-timezone')).toBe('America/Sao_Paulo');
    expect(await popup.textContent('#es-review-history')).toContain('Shared');
    await shot(popup, 'signup-8-review.png');
    await popup.click('#es-finish');

    await popup.waitForSelector('#step-done:not([hidden])');
    await shot(popup, 'signup-9-done.png');

    await page.waitForFunction(
      () => (globalThis as any).__login !== null && (globalThis as any).__events.length > 0,
    );
    const { events, login } = await page.evaluate(() => ({
      events: (globalThis as any).__events,
      login: (globalThis as any).__login,
    }));
    expect(events).toHaveLength(1);
    expect(typeof events[0].raw).toBe('string');
    expect(events[0].data).toEqual({
      data: { waba_id: expect.stringMatching(/^\d+$/) },
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
      version: 3,
    });
    expect(login.status).toBe('connected');
    expect(login.authResponse.code).toMatch(/^AQ/);

    const token = await t.client.exchangeCode({ ...SANDBOX_DEFAULTS, code: login.authResponse.code });
    const wabaId = events[0].data.data.waba_id;
    const account = await t.client.getBusinessAccount(token.accessToken, wabaId);
    expect(account.timezoneId).toBe('25');
    const [number] = await t.client.listPhoneNumbers(token.accessToken, wabaId);
    expect(number).toMatchObject({ isOnBizApp: true, displayPhoneNumber: '+55 11 91234 5678' });
    await page.context().close();
  }, 30_000);

  it('posts CANCEL with the current step when the popup is closed midway', async () => {
    const { page, popup } = await openPopup();
    await popup.click('#es-login-continue');
    await popup.waitForSelector('#step-portfolio:not([hidden])');
    await popup.close({ runBeforeUnload: true });
    await page.waitForFunction(() => (globalThis as any).__login !== null, undefined, { timeout: 5_000 });
    const { events, login } = await page.evaluate(() => ({
      events: (globalThis as any).__events,
      login: (globalThis as any).__login,
    }));
    expect(events.map((e: { data: unknown }) => e.data)).toEqual([
      { data: { current_step: 'BUSINESS_ACCOUNT_SELECTION' }, type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL' },
    ]);
    expect(login).toEqual({ authResponse: null, status: 'unknown' });
    await page.context().close();
  }, 20_000);

  it('works opened on its own, for a demo', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const popup = await context.newPage();
    await popup.goto(`${t.sandbox.url}/dialog/oauth`);
    await popup.waitForSelector('#step-login:not([hidden])');
    await popup.click('#es-login-continue');
    await popup.waitForSelector('#step-portfolio:not([hidden])');
    await context.close();
  }, 20_000);
});
