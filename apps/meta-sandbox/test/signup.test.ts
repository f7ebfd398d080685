/**
 * Embedded Signup over HTTP: the SDK and popup are served, and the popup's steps run only in
 * Meta's order, ending with the session event and a code the platform can exchange.
 */
import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.close();
});

const EXTRAS = { setup: {}, featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' };

async function step(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${t.sandbox.url}/dialog/api/sessions${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function startSession(): Promise<string> {
  const started = await step('', {
    app_id: SANDBOX_DEFAULTS.appId,
    config_id: SANDBOX_DEFAULTS.configId,
    extras: EXTRAS,
    origin: 'http://platform.example',
  });
  expect(started.status).toBe(200);
  return started.json.session_id;
}

/** Runs a session up to the QR code for `number`. */
async function upToQr(
  number: string,
  settings: Record<string, unknown> = {},
): Promise<{ id: string; qr: any }> {
  const id = await startSession();
  expect((await step(`/${id}/login`, {})).status).toBe(200);
  expect((await step(`/${id}/portfolio`, { new_name: 'Lucky Shrub' })).status).toBe(200);
  expect((await step(`/${id}/connect`, {})).status).toBe(200);
  const qr = await step(`/${id}/number`, {
    phone_number: number,
    app_version: '2.25.12',
    timezone: 'America/New_York',
    ...settings,
  });
  expect(qr.status).toBe(200);
  return { id, qr: qr.json };
}

describe('served files', () => {
  it('serves an SDK that defines FB with the sandbox as its origin', async () => {
    const response = await fetch(`${t.sandbox.url}/sdk.js`);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    const script = await response.text();
    expect(script).toContain('window.FB = FB');
    expect(script).toContain(`'${t.sandbox.url}'`);
    expect(script).not.toContain('__SANDBOX_ORIGIN__');
  });

  it('serves the popup with its options and stable element ids', async () => {
    const html = await fetch(`${t.sandbox.url}/dialog/oauth?app_id=1`).then((r) => r.text());
    for (const id of [
      'es-login-continue',
      'es-phone-number',
      'es-qr',
      'phone-scan',
      'phone-share-chats',
      'es-finish',
      'es-cancel',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('America/Sao_Paulo');
    expect(html).toContain('Coexist sandbox');
    const script = await fetch(`${t.sandbox.url}/dialog/assets/popup.js`).then((r) => r.text());
    expect(script).toContain("type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL'");
  });

  it('serves a demo home page', async () => {
    const html = await fetch(`${t.sandbox.url}/`).then((r) => r.text());
    expect(html).toContain('FB.login');
    expect(html).toContain(SANDBOX_DEFAULTS.configId);
  });
});

describe('the flow', () => {
  it('refuses a wrong app, configuration or feature type', async () => {
    const base = { app_id: SANDBOX_DEFAULTS.appId, config_id: SANDBOX_DEFAULTS.configId, extras: EXTRAS };
    expect((await step('', { ...base, app_id: '42' })).json.error.code).toBe('invalid_app_id');
    expect((await step('', { ...base, config_id: '42' })).json.error.code).toBe('invalid_config_id');
    const plain = await step('', { ...base, extras: { setup: {} } });
    expect(plain.status).toBe(400);
    expect(plain.json.error).toMatchObject({ code: 'not_coexistence', field: 'extras.featureType' });
  });

  it('runs login → portfolio → connect → number → QR → scan → share → finish', async () => {
    const { id, qr } = await upToQr('+15551230001');
    expect(qr.qr_svg).toMatch(/^<svg/);
    expect(qr.qr_url).toBe(`${t.sandbox.url}/dialog/scan/${id}/${qr.qr_url.split('/').at(-1)}`);
    expect(qr.display_phone_number).toBe('+1 555-123-0001');
    expect((await step(`/${id}/scan`, {})).json.step).toBe('CHAT_HISTORY_SHARING');
    const review = await step(`/${id}/share`, { share_history: true });
    expect(review.json.business).toMatchObject({
      display_phone_number: '+1 555-123-0001',
      share_history: true,
      portfolio: 'Lucky Shrub',
    });
    const done = await step(`/${id}/finish`, {});
    expect(done.json.event).toEqual({
      data: { waba_id: expect.stringMatching(/^\d+$/) },
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
      version: 3,
    });
    const token = await t.client.exchangeCode({ ...SANDBOX_DEFAULTS, code: done.json.code });
    const numbers = await t.client.listPhoneNumbers(token.accessToken, done.json.event.data.waba_id);
    expect(numbers[0]).toMatchObject({ displayPhoneNumber: '+1 555-123-0001', isOnBizApp: true });
    // The code given for "closed on the last screen" works too.
    await expect(
      t.client.exchangeCode({ ...SANDBOX_DEFAULTS, code: review.json.fallback.code }),
    ).resolves.toBeTruthy();
  });

  it('can put phone_number_id and business_id in the finish event', async () => {
    const { id } = await upToQr('+15551230002');
    await step(`/${id}/scan`, {});
    await step(`/${id}/share`, { share_history: false });
    const done = await step(`/${id}/finish`, { include_ids: true });
    expect(Object.keys(done.json.event.data).sort()).toEqual(['business_id', 'phone_number_id', 'waba_id']);
    const truth = await fetch(
      `${t.sandbox.url}/__sandbox/numbers/${done.json.event.data.phone_number_id}`,
    ).then((r) => r.json() as Promise<any>);
    expect(truth).toMatchObject({
      share_history: false,
      timezone: 'America/New_York',
      app_version: '2.25.12',
    });
  });

  it("scans through the QR code's own link", async () => {
    const { id, qr } = await upToQr('+15551230003');
    const page = await fetch(qr.qr_url);
    expect(page.status).toBe(200);
    expect((await step(`/${id}`)).json.step).toBe('CHAT_HISTORY_SHARING');
  });

  it('refuses a WhatsApp Business app older than 2.24.17 at the scan', async () => {
    const { id } = await upToQr('+15551230004', { app_version: '2.24.9' });
    const refused = await step(`/${id}/scan`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'app_version_too_old', field: 'app_version' });
    expect((await step(`/${id}/scan`, { app_version: '2.24.17' })).status).toBe(200);
  });

  it('refuses steps out of order and numbers that are not E.164 or already connected', async () => {
    const id = await startSession();
    expect((await step(`/${id}/number`, { phone_number: '+15551230005' })).json.error.code).toBe(
      'wrong_step',
    );
    await step(`/${id}/login`, {});
    expect((await step(`/${id}/portfolio`, { new_name: '' })).json.error.field).toBe('new_name');
    await step(`/${id}/portfolio`, { new_name: 'Shop' });
    await step(`/${id}/connect`, {});
    expect((await step(`/${id}/number`, { phone_number: '5551230005' })).json.error.field).toBe(
      'phone_number',
    );
    expect((await step(`/${id}/number`, { phone_number: '+1 23' })).json.error.code).toBe(
      'invalid_phone_number',
    );
    expect((await step(`/${id}/number`, { phone_number: '+15551230001' })).json.error.code).toBe(
      'number_already_connected',
    );
  });

  it('lists existing portfolios to pick from', async () => {
    const id = await startSession();
    const login = await step(`/${id}/login`, {});
    expect(login.json.portfolios.map((p: { name: string }) => p.name)).toContain('Lucky Shrub');
    const chosen = login.json.portfolios[0];
    expect((await step(`/${id}/portfolio`, { business_id: chosen.id })).status).toBe(200);
  });

  it('records a cancel with the step it happened at', async () => {
    const id = await startSession();
    await step(`/${id}/login`, {});
    expect((await step(`/${id}/cancel`, { current_step: 'BUSINESS_ACCOUNT_SELECTION' })).json).toEqual({
      ok: true,
    });
    expect((await step(`/${id}`)).json.cancelled_at).toBe('BUSINESS_ACCOUNT_SELECTION');
    expect((await step('/0123456789abcdef01234567/login', {})).status).toBe(404);
  });
});
