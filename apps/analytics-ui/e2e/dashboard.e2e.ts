/**
 * The dashboard in real headless Chromium against the running platform (sandbox, api, sender):
 * sign in, connect a sandbox number through the wizard (Meta's popup is a real window), watch
 * its history sync reach 100 %, check the charts against what the sandbox put on the phone,
 * export the conversations, send a template and a reply and see them read; plus the ways
 * connecting fails, in words. Every page is photographed at 1366 px and 420 px wide under
 * test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  HAS_CHROMIUM,
  launchChromium,
  newWindow,
  SCREENSHOTS,
  screenshot,
  type ViewportName,
  watchConsole,
} from './browser.js';
import { buildUi, type Stack, startStack } from './stack.js';

if (!HAS_CHROMIUM) {
  console.warn(
    `Skipping the dashboard browser tests: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" (CI does), or set CHROMIUM_PATH.`,
  );
}

const count = (n: number) => n.toLocaleString('en-US');

interface PopupWalk {
  country: string;
  number: string;
  portfolio: string;
  share?: boolean;
  /** the business time zone Meta reports; '' for none */
  timezone?: string;
  /** a screenshot of the popup's review step */
  photograph?: string;
}

/** Meta's Embedded Signup as the owner goes through it, in the sandbox's popup and simulated phone. */
async function walkPopup(popup: Page, walk: PopupWalk): Promise<void> {
  await popup.setViewportSize({ width: 1000, height: 780 });
  await popup.waitForSelector('#step-login:not([hidden])');
  await popup.click('#es-login-continue');
  await popup.waitForSelector('#step-portfolio:not([hidden])');
  await popup.check('#es-portfolio-new');
  await popup.fill('#es-portfolio-name', walk.portfolio);
  await popup.click('#es-portfolio-continue');
  await popup.waitForSelector('#step-connect:not([hidden])');
  await popup.click('#es-connect-continue');
  await popup.waitForSelector('#step-number:not([hidden])');
  await popup.selectOption('#phone-country', walk.country);
  await popup.selectOption('#phone-app-version', '2.25.12');
  if (walk.timezone !== undefined) await popup.selectOption('#phone-timezone', walk.timezone);
  await popup.fill('#es-phone-number', walk.number);
  await popup.press('#es-phone-number', 'Enter');
  await popup.waitForSelector('#step-qr:not([hidden])');
  await popup.click('#phone-scan');
  await popup.waitForSelector('#phone-view-connect:not([hidden])');
  await popup.click('#phone-connect-platform');
  await popup.waitForSelector('#phone-view-share:not([hidden])');
  await popup.click(walk.share === false ? '#phone-dont-share-chats' : '#phone-share-chats');
  await popup.waitForSelector('#step-review:not([hidden])');
  if (walk.photograph) await popup.screenshot({ path: walk.photograph });
  await popup.click('#es-finish');
  await popup.waitForSelector('#step-done:not([hidden])');
  // Close calls window.close(): the popup can be gone before the click's own bookkeeping ends,
  // which is the outcome wanted, so only a click on a popup still open is an error.
  const closed = popup.waitForEvent('close');
  await popup.click('#es-close', { noWaitAfter: true }).catch((error: unknown) => {
    if (!popup.isClosed()) throw error;
  });
  await closed;
}

/** Waits until `read` returns true, reloading the page between tries when asked. */
async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = 30_000, everyMs = 500, reload }: { timeoutMs?: number; everyMs?: number; reload?: Page } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (reload) await reload.reload();
    last = await read();
  }
  return last;
}

describe.skipIf(!HAS_CHROMIUM)('the dashboard in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let laptopWindow: BrowserContext;
  let narrowWindow: BrowserContext;
  let laptop: Page;
  let narrow: Page;
  const consoleErrors: string[] = [];
  let phoneNumberId = '';
  const started = Date.now();

  /** The same address in the narrow window, photographed. */
  async function photographNarrow(path: string, name: string, ready: string): Promise<void> {
    await narrow.goto(`${stack.apiUrl}${path}`);
    await narrow.waitForSelector(ready);
    await screenshot(narrow, name, 'narrow');
  }

  async function photograph(page: Page, name: string, viewport: ViewportName = 'laptop'): Promise<void> {
    await screenshot(page, name, viewport);
  }

  beforeAll(async () => {
    const uiDir = await buildUi();
    stack = await startStack({ uiDir });
    browser = await launchChromium();
    laptopWindow = await newWindow(browser, 'laptop');
    narrowWindow = await newWindow(browser, 'narrow');
    laptop = await laptopWindow.newPage();
    narrow = await narrowWindow.newPage();
    watchConsole(laptop, consoleErrors);
    watchConsole(narrow, consoleErrors);
  }, 120_000);

  // a failed step leaves a picture of what the page showed
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !laptop) return;
    const name = `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
    await laptop.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    console.log(`dashboard e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 60_000);

  it('asks for the API key, refuses a wrong one and signs in with the right one', async () => {
    await laptop.goto(`${stack.apiUrl}/`);
    await laptop.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
    await photograph(laptop, 'sign-in');
    await laptop.getByLabel('API key').fill('cx_not_a_key');
    await laptop.getByRole('button', { name: 'Sign in' }).click();
    await laptop.getByText('Coexist does not know this API key.').waitFor();

    // from the keyboard: Enter submits
    await laptop.getByLabel('API key').fill(stack.apiKey);
    await laptop.getByLabel('API key').press('Enter');
    await laptop.getByRole('heading', { name: 'Numbers' }).waitFor();
    await laptop.getByText('No numbers yet.').waitFor();
    expect(new URL(laptop.url()).pathname).toBe('/numbers');
    await photograph(laptop, 'numbers-empty');

    // the one-click link `pnpm start` prints: the key arrives in the fragment, which is then removed
    await narrow.goto(`${stack.apiUrl}/#api_key=${stack.apiKey}`);
    await narrow.getByText('No numbers yet.').waitFor();
    expect(narrow.url()).not.toContain('api_key');
    expect(await narrow.evaluate(() => localStorage.getItem('coexist.apiKey'))).toBe(stack.apiKey);
    await screenshot(narrow, 'numbers-empty', 'narrow');
    await narrow.goto(`${stack.apiUrl}/`);
    await narrow.getByRole('button', { name: 'Sign out' }).click();
    await narrow.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
    await screenshot(narrow, 'sign-in', 'narrow');
    await narrow.goto(`${stack.apiUrl}/#api_key=${stack.apiKey}`);
    await narrow.getByText('No numbers yet.').waitFor();
  });

  it('says in words why a number cannot connect: an old app, a closed window, an unsupported country', async () => {
    await laptop.getByRole('banner').getByRole('link', { name: 'Connect a number' }).click();
    await laptop.getByRole('heading', { name: 'Before you start' }).waitFor();
    // the requirements and the seed's feature table come up front
    await laptop.getByText('Nigeria (+234) and South Africa (+27)').waitFor();
    expect(await laptop.locator('[data-feature]').count()).toBeGreaterThanOrEqual(13);
    await photograph(laptop, 'connect-requirements');
    await photographNarrow('/connect', 'connect-requirements', 'text=Before you start');

    await laptop.getByLabel('Your WhatsApp Business app version').fill('2.24.9');
    await laptop.getByRole('button', { name: 'Continue' }).click();
    const tooOld = laptop.getByText(
      /Version 2\.24\.9 is too old: connecting needs WhatsApp Business app 2\.24\.17 or newer/,
    );
    await tooOld.waitFor();
    await laptop.getByText('Choose one: Coexist needs to know whether history is coming.').waitFor();
    await photograph(laptop, 'connect-app-too-old');

    await laptop.getByLabel('Your WhatsApp Business app version').fill('2.25.12');
    await laptop.getByLabel(/Yes, share chats/).check();
    await laptop.getByRole('button', { name: 'Continue' }).click();
    await laptop.getByRole('heading', { name: 'Connect with Meta' }).waitFor();

    // the owner closes Meta's window half-way
    const [abandoned] = await Promise.all([
      laptop.waitForEvent('popup'),
      laptop.getByTestId('launch-signup').click(),
    ]);
    await abandoned.waitForSelector('#step-login:not([hidden])');
    await abandoned.click('#es-login-continue');
    await abandoned.waitForSelector('#step-portfolio:not([hidden])');
    await abandoned.close({ runBeforeUnload: true });
    await laptop.getByText(/The sign-up was closed at the “business account selection” step/).waitFor();

    // a Nigerian number: Meta lets it through Embedded Signup, Coexist refuses it
    const [popup] = await Promise.all([
      laptop.waitForEvent('popup'),
      laptop.getByTestId('launch-signup').click(),
    ]);
    await walkPopup(popup, { country: 'NG', number: '+234 803 123 4567', portfolio: 'Lagos Shop' });
    const refused = laptop.getByRole('alert').filter({ hasText: 'The number was not connected' });
    await refused.waitFor();
    const text = await refused.textContent();
    expect(text).toMatch(/234/);
    expect(text).toContain('Connect a number with another country code.');
    await photograph(laptop, 'connect-unsupported-country');
    const numbers = await stack.call<{ data: unknown[] }>('GET', '/v1/numbers');
    expect(numbers.body.data).toEqual([]);
  });

  it('connects a sandbox number through the wizard', async () => {
    await laptop.getByRole('button', { name: 'Start again' }).click();
    await laptop.getByRole('heading', { name: 'Before you start' }).waitFor();
    await laptop.getByLabel('Your WhatsApp Business app version').fill('2.25.12');
    await laptop.getByLabel(/Yes, share chats/).check();
    await laptop.getByRole('button', { name: 'Continue' }).click();
    await photograph(laptop, 'connect-launch');

    const [popup] = await Promise.all([
      laptop.waitForEvent('popup'),
      laptop.getByTestId('launch-signup').click(),
    ]);
    await walkPopup(popup, {
      country: 'BR',
      number: '+55 11 91234-5678',
      portfolio: 'Lucky Shrub',
      timezone: '',
      photograph: join(SCREENSHOTS, 'signup-popup-review-laptop.png'),
    });

    // Meta has no IANA zone for this account: the picker is required
    await laptop.getByRole('heading', { name: 'Confirm the business account' }).waitFor();
    expect(await laptop.getByTestId('business-number').textContent()).toBe('+55 11 91234 5678');
    await laptop.getByText('Choose the business’s time zone').waitFor();
    // search, then Enter takes the first match
    await laptop.getByLabel('Search time zones').fill('sao paulo');
    await laptop.getByLabel('Search time zones').press('Enter');
    await laptop.getByText(/Chosen: America\/Sao_Paulo\. It is .* there now\./).waitFor();
    await photograph(laptop, 'connect-confirm');
    await laptop.getByRole('button', { name: 'Confirm' }).click();

    await laptop.getByRole('heading', { name: 'Finish' }).waitFor();
    await photograph(laptop, 'connect-finish');
    await laptop.getByRole('button', { name: 'Finish' }).click();
    await laptop.getByRole('heading', { name: 'Number connected' }).waitFor();
    await photograph(laptop, 'connect-done');

    const numbers = await stack.call<{
      data: Array<{ phone_number_id: string; status: string; timezone: string }>;
    }>('GET', '/v1/numbers');
    expect(numbers.body.data).toHaveLength(1);
    expect(numbers.body.data[0]).toMatchObject({ status: 'active', timezone: 'America/Sao_Paulo' });
    phoneNumberId = numbers.body.data[0]!.phone_number_id;
  });

  it('follows the history sync through its phases to 100 %', async () => {
    await laptop.getByTestId('open-number').click();
    await laptop.getByTestId('number-title').waitFor();
    const bar = laptop.getByRole('progressbar', { name: 'History imported' });

    // photograph the bar on its way, then wait for the end
    let midway = false;
    await eventually(
      async () => {
        const state = await laptop.getByTestId('history-sync').getAttribute('data-state');
        const value = (await bar.count()) > 0 ? Number(await bar.getAttribute('aria-valuenow')) : 0;
        if (!midway && state === 'receiving' && value > 0 && value < 100) {
          midway = true;
          await photograph(laptop, 'number-syncing');
        }
        return { state, value };
      },
      (s) => s.state === 'completed' && s.value === 100,
      { timeoutMs: 90_000, everyMs: 200 },
    );
    const truth = await stack.control<{ messages: { syncable: number }; contacts: number }>(
      'GET',
      `/numbers/${phoneNumberId}`,
    );
    expect(truth.messages.syncable).toBeGreaterThan(1_000);
    // ingest catches up with the last parts, then the page shows exactly what the phone had
    await eventually(
      async () => (await stack.call<any>('GET', `/v1/numbers/${phoneNumberId}`)).body.counts.messages.history,
      (n) => n === truth.messages.syncable,
    );
    await laptop.reload();
    await laptop
      .getByText(`${count(truth.messages.syncable)} messages`)
      .first()
      .waitFor();
    expect(await laptop.locator('.phase-done').count()).toBe(3);
    expect(await laptop.locator('[data-feature]').count()).toBeGreaterThanOrEqual(13);
    await photograph(laptop, 'number');
    await photographNarrow(
      `/numbers/${phoneNumberId}`,
      'number',
      '[data-testid=history-sync][data-state=completed]',
    );

    await laptop.goto(`${stack.apiUrl}/numbers`);
    await laptop.locator(`[data-number="${phoneNumberId}"]`).waitFor();
    await photograph(laptop, 'numbers');
    await photographNarrow('/numbers', 'numbers', `[data-number="${phoneNumberId}"]`);
  });

  it('fills the charts with the imported history, matching the sandbox and the API', async () => {
    const truth = await stack.control<{
      messages: { syncable: number; by_direction: { inbound: number; outbound: number } };
    }>('GET', `/numbers/${phoneNumberId}`);
    const query = `number=${phoneNumberId}&range=365d`;
    const report = async <T = any>(name: string, range: string) =>
      (await stack.call<T>('GET', `/v1/numbers/${phoneNumberId}/analytics/${name}?${range}`)).body;

    await laptop.goto(`${stack.apiUrl}/analytics?${query}`);
    const kpi = (id: string) => laptop.getByTestId(id).locator('.kpi-value');
    // the reports' derived tables follow ingest by a moment: ask again until they caught up
    await eventually(
      async () => {
        await laptop.locator('#volume[aria-busy=false]').waitFor();
        return kpi('kpi-messages').textContent();
      },
      (t) => t === count(truth.messages.syncable),
      { timeoutMs: 60_000, everyMs: 1_000, reload: laptop },
    );
    // Message counts are live; conversations, responses and contacts come from per-number tables
    // rebuilt behind ingest (at most every 10 builds' time: seconds on a loaded machine). Every
    // message is in: let the last rebuild finish, then read the page and the API from it.
    await stack.api.refresher.flush();
    await laptop.reload();
    await laptop.locator('#volume[aria-busy=false]').waitFor();
    await laptop.locator('#conversations[aria-busy=false]').waitFor();
    const subtitle = await laptop.locator('.page-subtitle').textContent();
    const [from, to] = await laptop.evaluate(() => {
      const q = new URLSearchParams(location.search);
      return [q.get('from'), q.get('to')];
    });
    expect(from).toBeNull();
    expect(to).toBeNull();
    expect(subtitle).toContain('America/Sao_Paulo');

    // the API's own answer for the same range, as the page asked for it
    const range = await laptop.evaluate(() => {
      const entries = performance.getEntriesByType('resource').map((e) => e.name);
      const volume = entries.find((name) => name.includes('/analytics/volume?'));
      return volume ? new URL(volume).search.slice(1).replace(/&granularity=hour/, '') : '';
    });
    expect(range).toMatch(/^from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    const volume = await report('volume', range);
    expect(volume.totals.messages).toBe(truth.messages.syncable);
    expect(volume.totals.history).toBe(truth.messages.syncable);
    expect(volume.totals.inbound).toBe(truth.messages.by_direction.inbound);
    expect(await laptop.getByTestId('kpi-messages').locator('.kpi-hint').textContent()).toBe(
      `${count(truth.messages.by_direction.inbound)} received · ${count(truth.messages.by_direction.outbound)} sent`,
    );
    const conversations = await report('conversations', range);
    expect(conversations.total).toBeGreaterThan(0);
    await eventually(
      () => kpi('kpi-conversations').textContent(),
      (t) => t === count(conversations.total),
    );
    const contacts = await report('contacts', range);
    expect(await kpi('kpi-contacts').textContent()).toBe(count(contacts.total));

    // every chart drew its data
    expect(await laptop.locator('#volume .recharts-bar-rectangle').count()).toBeGreaterThan(30);
    expect(await laptop.locator('#conversations .recharts-bar-rectangle').count()).toBeGreaterThan(10);
    expect(await laptop.locator('#response-times .recharts-bar-rectangle').count()).toBeGreaterThan(2);
    expect(await laptop.locator('#response-times .recharts-line-curve').count()).toBeGreaterThan(0);
    expect(await laptop.locator('#sources .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await laptop.locator('#history .recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(6);
    expect(await laptop.locator('#contacts table tbody tr').count()).toBeGreaterThan(3);

    // the heatmap names the API's busiest slot
    const heatmap = await report('heatmap', range);
    const busiest = heatmap.cells.reduce((a: any, b: any) => (b.messages > a.messages ? b : a));
    const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
    const slot = await laptop.getByTestId('busiest-slot').textContent();
    expect(slot).toContain(weekdays[busiest.weekday - 1]);
    expect(slot).toContain(`${String(busiest.hour).padStart(2, '0')}:00`);
    expect(slot).toContain(`${count(busiest.messages)} messages`);

    // the response-time median as the API computed it
    const times = await report('response-times', range);
    expect(times.first_response.count).toBeGreaterThan(0);

    // the table view shows the same numbers as the chart
    await laptop.locator('#history').getByRole('button', { name: 'Table' }).click();
    const monthRows = await laptop.locator('#history table tbody tr').count();
    const history = await report('history', range);
    expect(monthRows).toBe(history.by_month.length);
    expect(history.by_month.reduce((sum: number, m: any) => sum + m.messages, 0)).toBe(
      truth.messages.syncable,
    );
    await laptop.locator('#history').getByRole('button', { name: 'Chart' }).click();

    // one row per conversation, downloaded with the API key
    const [download] = await Promise.all([
      laptop.waitForEvent('download'),
      laptop.locator('#conversations').getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe(
      'contact,contact_name,started_at,ended_at,messages,inbound,outbound,started_by,first_response_seconds,first_responder',
    );
    expect(csv.length - 1).toBe(conversations.total);
    expect(download.suggestedFilename()).toMatch(/^conversations-.*\.csv$/);

    await laptop.evaluate(() => window.scrollTo(0, 0));
    await photograph(laptop, 'analytics');
    await photographNarrow(`/analytics?${query}`, 'analytics', '#volume .recharts-bar-rectangle');

    // a date range with nothing in it says so
    await laptop.goto(`${stack.apiUrl}/analytics?number=${phoneNumberId}&from=2020-01-01&to=2020-01-31`);
    await laptop.getByText('No messages in this range.').waitFor();
    await photograph(laptop, 'analytics-empty-range');
  });

  it('sends a template outside the window and a reply inside it, and sees both read', async (context) => {
    if (!stack.sender) {
      console.warn(`Skipping the send test: ${stack.senderProblem}`);
      context.skip();
    }
    const contacts = await stack.call<{ data: Array<{ wa_id: string | null; name: string | null }> }>(
      'GET',
      `/v1/numbers/${phoneNumberId}/contacts?limit=5`,
    );
    const contact =
      contacts.body.data.find((c) => c.wa_id && c.name) ?? contacts.body.data.find((c) => c.wa_id);
    expect(contact?.wa_id).toBeTruthy();
    const waId = contact!.wa_id as string;

    await laptop.goto(`${stack.apiUrl}/send?number=${phoneNumberId}`);
    await laptop.getByLabel('To').fill(contact!.name ?? waId);
    await laptop
      .locator('.contact-result')
      .filter({ hasText: contact!.name ?? waId })
      .first()
      .click();
    // history and phone-app messages never open the window
    await laptop.locator('[data-testid=window-status][data-window=closed]').waitFor();
    expect(await laptop.getByRole('radio', { name: 'Text' }).isDisabled()).toBe(true);

    const select = laptop.getByRole('combobox', { name: 'Template' });
    await select.selectOption('shipping_update:en_US');
    await laptop.getByLabel('{{1}}').fill('Ana');
    await laptop.getByLabel('{{2}}').fill('860198-230332');
    await laptop.getByLabel('{{3}}').fill('Friday');
    await laptop.getByLabel(/Track package/).fill('860198-230332');
    await laptop
      .getByText('Hi Ana, your order 860198-230332 has shipped and should arrive on Friday.')
      .waitFor();
    await photograph(laptop, 'send-template');
    await laptop.getByTestId('send-button').click();
    await laptop
      .locator('.tracker[data-status=read]')
      .filter({ hasText: 'Template shipping_update' })
      .waitFor({ timeout: 30_000 });
    await photograph(laptop, 'send-read');

    // the customer writes back: the window opens and free text is allowed
    await stack.control('POST', `/numbers/${phoneNumberId}/inbound`, {
      from: `+${waId}`,
      text: 'Great, thanks! Can I pick it up?',
    });
    await eventually(
      async () =>
        (await stack.call<any>('GET', `/v1/numbers/${phoneNumberId}/contacts/${waId}`)).body.window.open,
      (open) => open === true,
    );
    await laptop.goto(`${stack.apiUrl}/send?number=${phoneNumberId}&to=${waId}`);
    await laptop.locator('[data-testid=window-status][data-window=open]').waitFor();
    await laptop.getByText(/Window open for 2[34] h/).waitFor();
    await laptop.getByRole('radio', { name: 'Text' }).check();
    await laptop.getByRole('textbox', { name: 'Text' }).fill('Yes, any time after 10:00.');
    await laptop.getByTestId('send-button').click();
    await laptop
      .locator('.tracker[data-status=read]')
      .filter({ hasText: 'Yes, any time after 10:00.' })
      .waitFor({ timeout: 30_000 });
    await photograph(laptop, 'send');
    await photographNarrow(`/send?number=${phoneNumberId}&to=${waId}`, 'send', '[data-testid=window-status]');

    // the analytics count both sends: the template funnel reaches read, the API share moves
    await laptop.goto(`${stack.apiUrl}/analytics?number=${phoneNumberId}`);
    await eventually(
      async () => {
        await laptop.locator('#templates[aria-busy=false]').waitFor();
        const read = laptop.locator('[data-template=shipping_update] [data-stage=read]');
        return (await read.count()) > 0 ? ((await read.textContent()) ?? '') : '';
      },
      (text) => text.startsWith('1'),
      { timeoutMs: 60_000, everyMs: 2_000, reload: laptop },
    );
    expect(await laptop.getByTestId('kpi-api-share').locator('.kpi-value').textContent()).not.toBe('0%');
    await laptop.evaluate(() => window.scrollTo(0, 0));
    await photograph(laptop, 'analytics-after-send');
    // the README's picture: summary, messages, busiest hours and phone app vs API
    await laptop.screenshot({
      path: join(SCREENSHOTS, 'dashboard-readme.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1366, height: 1240 },
    });
  });

  it('shows Meta’s alerts on the number’s page: messages to check in the app, then the owner unlinking', async () => {
    const alertCodes = async () =>
      (
        (await stack.call<any>('GET', `/v1/numbers/${phoneNumberId}`)).body.alerts as Array<{ code: string }>
      ).map((alert) => alert.code);
    await stack.control('POST', `/numbers/${phoneNumberId}/unavailable`, {
      from: '+5511955554444',
      name: 'Bruno',
    });
    await eventually(alertCodes, (codes) => codes.includes('message_unavailable'), { timeoutMs: 20_000 });
    await laptop.goto(`${stack.apiUrl}/numbers/${phoneNumberId}`);
    const unavailable = laptop.locator('[data-alert="message_unavailable"]');
    await unavailable.waitFor();
    expect(await unavailable.textContent()).toContain('Messages to check in the WhatsApp Business app');
    await photograph(laptop, 'number-alert-131060');

    await stack.control('POST', `/numbers/${phoneNumberId}/unlink`, {});
    await eventually(alertCodes, (codes) => codes.includes('partner_removed'), { timeoutMs: 20_000 });
    // the page notices by itself on its next refresh; reload to see it now
    await laptop.reload();
    const removed = laptop.locator('[data-alert="partner_removed"]');
    await removed.waitFor();
    expect(await removed.textContent()).toContain('Settings > Account > Business Platform');
    await laptop.getByText('Unlinked by owner').first().waitFor();
    await photograph(laptop, 'number-unlinked');
    await laptop.goto(`${stack.apiUrl}/send?number=${phoneNumberId}`);
    await laptop.getByText('This number cannot send').waitFor();
  });

  it('logged no errors in the browser', () => {
    expect(consoleErrors).toEqual([]);
  });
});
