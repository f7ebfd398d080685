/**
 * @coexist/meta-client against the sandbox, call by call and error by error, over real HTTP.
 * These live here because meta-client must not depend on the sandbox.
 */
import { MetaClient, MetaError, MetaNetworkError, SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ianaFromMetaTimezoneId } from '../src/state/timezones.js';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

const APP = { appId: SANDBOX_DEFAULTS.appId, appSecret: SANDBOX_DEFAULTS.appSecret };
const CUSTOMER = '+16505551234';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.close();
});

async function expectMetaError(promise: Promise<unknown>, code: number): Promise<MetaError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected Meta error ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MetaError);
  expect((error as MetaError).code, (error as Error).message).toBe(code);
  return error as MetaError;
}

async function control(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${t.sandbox.url}/__sandbox${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

describe('code exchange', () => {
  it('turns a fresh code into a business token', async () => {
    const created = await t.sandbox.createBusiness({});
    const token = await t.client.exchangeCode({ ...APP, code: created.code });
    expect(token.accessToken).toMatch(/^EAA[A-Za-z0-9]{100,}$/);
    expect(token.tokenType).toBe('bearer');
    expect(token.expiresIn).toBeNull();
  });

  it('refuses a code used twice', async () => {
    const created = await t.sandbox.createBusiness({});
    await t.client.exchangeCode({ ...APP, code: created.code });
    const error = await expectMetaError(t.client.exchangeCode({ ...APP, code: created.code }), 100);
    expect(error.subcode).toBe(36009);
    expect(error.retry.retryable).toBe(false);
  });

  it('refuses a code older than 30 s (moved clock)', async () => {
    const created = await t.sandbox.createBusiness({});
    await control('/clock', { advance_ms: 31_000 });
    try {
      const error = await expectMetaError(t.client.exchangeCode({ ...APP, code: created.code }), 100);
      expect(error.message).toMatch(/expired/);
    } finally {
      await control('/clock', { offset_ms: 0 });
    }
  });

  it('refuses a wrong app secret and an unknown code', async () => {
    const created = await t.sandbox.createBusiness({});
    await expectMetaError(
      t.client.exchangeCode({ ...APP, appSecret: 'wrong-secret', code: created.code }),
      1,
    );
    await expectMetaError(t.client.exchangeCode({ ...APP, code: 'AQnot-a-code' }), 100);
  });
});

describe('business account and phone numbers', () => {
  it('reads the WABA with its time zone as Meta timezone id', async () => {
    const b = await onboarded(t, { display_phone_number: '+4915112345678', timezone: 'Europe/Berlin' });
    const account = await t.client.getBusinessAccount(b.token, b.wabaId);
    expect(account.id).toBe(b.wabaId);
    expect(account.name).toBeTruthy();
    expect(account.currency).toBe('EUR');
    expect(account.timezoneId).toBe('47');
    expect(ianaFromMetaTimezoneId(account.timezoneId!)).toBe('Europe/Berlin');
    expect(account.messageTemplateNamespace).toMatch(/^[0-9a-f_]+$/);
  });

  it('leaves timezone_id out when the business has none', async () => {
    const b = await onboarded(t, { timezone: null });
    const account = await t.client.getBusinessAccount(b.token, b.wabaId);
    expect(account.timezoneId).toBeNull();
    const raw = await fetch(`${t.sandbox.url}/v25.0/${b.wabaId}?fields=id,timezone_id`, {
      headers: { authorization: `Bearer ${b.token}` },
    }).then((r) => r.json() as Promise<any>);
    expect(raw).toEqual({ id: b.wabaId });
  });

  it('finds the number from the WABA when the finish event has no phone_number_id', async () => {
    const b = await onboarded(t, { display_phone_number: '+15550783881' });
    const numbers = await t.client.listPhoneNumbers(b.token, b.wabaId);
    expect(numbers).toHaveLength(1);
    const found = numbers.find((n) => n.isOnBizApp);
    expect(found?.id).toBe(b.phoneNumberId);
    expect(found?.displayPhoneNumber).toBe('+1 555-078-3881');
  });

  it('reads the number as a coexistence number', async () => {
    const b = await onboarded(t);
    const number = await t.client.getPhoneNumber(b.token, b.phoneNumberId);
    expect(number).toMatchObject({
      id: b.phoneNumberId,
      isOnBizApp: true,
      platformType: 'CLOUD_API',
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
      codeVerificationStatus: 'VERIFIED',
    });
    expect(number.verifiedName).toBeTruthy();
  });

  it('answers 190 for a bad token and 100 for an object the token cannot see', async () => {
    const b = await onboarded(t);
    const other = await onboarded(t);
    const bad = await expectMetaError(t.client.getPhoneNumber('EAAnot-a-real-token', b.phoneNumberId), 190);
    expect(bad.category).toBe('auth');
    expect(bad.retry.retryable).toBe(false);
    const hidden = await expectMetaError(t.client.getPhoneNumber(other.token, b.phoneNumberId), 100);
    expect(hidden.subcode).toBe(33);
    await expectMetaError(t.client.getBusinessAccount(b.token, '999999999999999'), 100);
  });
});

describe('subscribed apps', () => {
  it('subscribes and lists the app', async () => {
    const b = await onboarded(t);
    const apps = await t.client.listSubscribedApps(b.token, b.wabaId);
    expect(apps).toEqual([
      {
        whatsapp_business_api_data: {
          id: SANDBOX_DEFAULTS.appId,
          name: 'Coexist Sandbox App',
          link: `https://www.facebook.com/games/?app_id=${SANDBOX_DEFAULTS.appId}`,
        },
      },
    ]);
  });

  it('runs the verification handshake on an override and routes webhooks there', async () => {
    const b = await onboarded(t);
    const override = `${t.receiver.url}?route=override`;
    await t.client.subscribeApp(b.token, b.wabaId, {
      overrideCallbackUri: override,
      verifyToken: SANDBOX_DEFAULTS.verifyToken,
    });
    expect(t.receiver.handshakes.at(-1)).toMatchObject({
      'hub.mode': 'subscribe',
      'hub.verify_token': SANDBOX_DEFAULTS.verifyToken,
    });
    const apps = await t.client.listSubscribedApps(b.token, b.wabaId);
    expect(apps[0]?.override_callback_uri).toBe(override);
    const truth = await control(`/numbers/${b.phoneNumberId}`);
    expect(truth.callback_url).toBe(override);
  });

  it('refuses an override whose handshake fails (2200)', async () => {
    const b = await onboarded(t);
    await expectMetaError(
      t.client.subscribeApp(b.token, b.wabaId, { overrideCallbackUri: t.receiver.url, verifyToken: 'wrong' }),
      2200,
    );
  });

  it('shows a previous partner left subscribed', async () => {
    const b = await onboarded(t, { previous_partner_override: 'https://old-provider.example.com/hook' });
    const apps = await t.client.listSubscribedApps(b.token, b.wabaId);
    expect(apps).toHaveLength(2);
    expect(apps[0]?.override_callback_uri).toBe('https://old-provider.example.com/hook');
  });
});

describe('syncs', () => {
  it('accepts each sync once, then answers 2593107', async () => {
    const b = await onboarded(t, { history: { days: 2, messages_per_day: 2 }, contacts: 3 });
    const contacts = await t.client.requestSync(b.token, b.phoneNumberId, 'smb_app_state_sync');
    expect(contacts.requestId).toMatch(/^[0-9a-f]{24}$/);
    const history = await t.client.requestSync(b.token, b.phoneNumberId, 'history');
    expect(history.requestId).not.toBe(contacts.requestId);
    const again = await expectMetaError(t.client.requestSync(b.token, b.phoneNumberId, 'history'), 2593107);
    expect(again.category).toBe('sync');
    await expectMetaError(t.client.requestSync(b.token, b.phoneNumberId, 'smb_app_state_sync'), 2593107);
  });

  it('answers 2593108 after 24 h from onboarding', async () => {
    const b = await onboarded(t);
    await control('/clock', { advance_ms: 24 * 3_600_000 + 1_000 });
    try {
      await expectMetaError(t.client.requestSync(b.token, b.phoneNumberId, 'smb_app_state_sync'), 2593108);
      await expectMetaError(t.client.requestSync(b.token, b.phoneNumberId, 'history'), 2593108);
    } finally {
      await control('/clock', { offset_ms: 0 });
    }
  });
});

describe('sending', () => {
  it('sends every kind of message, and status webhooks carry the callback data back', async () => {
    const b = await onboarded(t);
    const { wamid: inboundWamid } = await control(`/numbers/${b.phoneNumberId}/inbound`, {
      from: CUSTOMER,
      text: 'Hi there',
    });

    const bodies: Record<string, Record<string, unknown>> = {
      text: { to: CUSTOMER, type: 'text', text: { body: 'Hello from the API' } },
      reply: {
        to: CUSTOMER,
        type: 'text',
        context: { message_id: inboundWamid },
        text: { body: 'Replying' },
      },
      positional: {
        to: CUSTOMER,
        type: 'template',
        template: {
          name: 'shipping_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Pablo' },
                { type: 'text', text: '860198' },
                { type: 'text', text: 'Friday' },
              ],
            },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '860198' }] },
          ],
        },
      },
      named: {
        to: CUSTOMER,
        type: 'template',
        template: {
          name: 'order_confirmation',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'first_name', text: 'Jessica' },
                { type: 'text', parameter_name: 'order_number', text: 'SKBUP2-4CPIG9' },
              ],
            },
          ],
        },
      },
      mediaHeader: {
        to: CUSTOMER,
        type: 'template',
        template: {
          name: 'welcome_discount_template',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { id: '1339522734477770' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'first_name', text: 'Jessica' },
                { type: 'text', parameter_name: 'discount_code', text: 'WELCOME25' },
                { type: 'text', parameter_name: 'discount_amount', text: '25%' },
              ],
            },
          ],
        },
      },
      buttons: {
        to: CUSTOMER,
        type: 'template',
        template: {
          name: 'coupon_expiration_reminder_number_vars',
          language: { code: 'en' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Pablo' }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'SUMMER20' },
                { type: 'text', text: '10' },
              ],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '1',
              parameters: [{ type: 'payload', payload: 'STOP' }],
            },
          ],
        },
      },
      helloWorld: {
        to: CUSTOMER,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
      imageLink: {
        to: CUSTOMER,
        type: 'image',
        image: { link: 'https://example.com/plant.jpg', caption: 'New!' },
      },
      imageId: { to: CUSTOMER, type: 'image', image: { id: '1013859600285441' } },
      interactive: {
        to: CUSTOMER,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Change or cancel?' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'change', title: 'Change' } },
              { type: 'reply', reply: { id: 'cancel', title: 'Cancel' } },
            ],
          },
        },
      },
      reaction: { to: CUSTOMER, type: 'reaction', reaction: { message_id: inboundWamid, emoji: '👍' } },
    };

    const sent = new Map<string, string>();
    for (const [kind, body] of Object.entries(bodies)) {
      const result = await t.client.sendMessage(b.token, b.phoneNumberId, body, {
        bizOpaqueCallbackData: `cb-${kind}`,
      });
      expect(result.wamid, kind).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
      expect(result.waId).toBe('16505551234');
      expect(result.input).toBe(CUSTOMER);
      if (body.type === 'template') expect(result.messageStatus).toBe('accepted');
      sent.set(result.wamid, `cb-${kind}`);
    }
    await t.client.markAsRead(b.token, b.phoneNumberId, inboundWamid);
    await t.client.markAsRead(b.token, b.phoneNumberId, inboundWamid, { typingIndicator: true });

    await t.sandbox.idle();
    const statuses = t.receiver
      .changes('messages')
      .flatMap((c) => (c.value.statuses as Array<Record<string, any>> | undefined) ?? [])
      .filter((s) => sent.has(s.id));
    for (const [wamid, callbackData] of sent) {
      const mine = statuses.filter((s) => s.id === wamid);
      expect(mine.map((s) => s.status)).toContain('sent');
      for (const status of mine) expect(status.biz_opaque_callback_data).toBe(callbackData);
      if (callbackData !== 'cb-reaction') expect(mine.map((s) => s.status)).toContain('delivered');
      else expect(mine.map((s) => s.status)).toEqual(['sent']);
    }
    const sentStatus = statuses.find((s) => s.status === 'sent' && sent.get(s.id) === 'cb-buttons');
    expect(sentStatus?.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'marketing',
    });

    const stats = await control(`/numbers/${b.phoneNumberId}/stats`);
    expect(stats.accepted).toBe(Object.keys(bodies).length);
    expect(stats.mark_as_read).toBe(2);
    expect(stats.duplicates_by_callback_data).toBe(0);
  });

  it('counts a callback data accepted twice as a duplicate', async () => {
    const b = await onboarded(t);
    const body = {
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    };
    await t.client.sendMessage(b.token, b.phoneNumberId, body, { bizOpaqueCallbackData: 'msg-1' });
    await t.client.sendMessage(b.token, b.phoneNumberId, body, { bizOpaqueCallbackData: 'msg-1' });
    expect((await control(`/numbers/${b.phoneNumberId}/stats`)).duplicates_by_callback_data).toBe(1);
  });

  it('answers 131047 outside the service window and accepts after a live inbound message', async () => {
    const b = await onboarded(t);
    const text = { to: '+16505550100', type: 'text', text: { body: 'Hello?' } };
    const refused = await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, text), 131047);
    expect(refused.category).toBe('service_window');
    await control(`/numbers/${b.phoneNumberId}/echo`, { to: '+16505550100', text: 'from the phone' });
    await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, text), 131047);
    await control(`/numbers/${b.phoneNumberId}/inbound`, { from: '+16505550100', text: 'Hi!' });
    await expect(t.client.sendMessage(b.token, b.phoneNumberId, text)).resolves.toMatchObject({
      waId: '16505550100',
    });
    await control('/clock', { advance_ms: 24 * 3_600_000 });
    try {
      await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, text), 131047);
    } finally {
      await control('/clock', { offset_ms: 0 });
    }
  });

  it('answers 132001, 132000, 132015 and 132016 for template problems', async () => {
    const b = await onboarded(t);
    const template = (name: string, language = 'en_US', components?: unknown[]) => ({
      to: CUSTOMER,
      type: 'template',
      template: { name, language: { code: language }, ...(components ? { components } : {}) },
    });
    const missing = await expectMetaError(
      t.client.sendMessage(b.token, b.phoneNumberId, template('no_such_template')),
      132001,
    );
    expect(missing.category).toBe('template');
    await expectMetaError(
      t.client.sendMessage(b.token, b.phoneNumberId, template('hello_world', 'pt_BR')),
      132001,
    );
    const wrongCount = await expectMetaError(
      t.client.sendMessage(
        b.token,
        b.phoneNumberId,
        template('shipping_update', 'en_US', [
          { type: 'body', parameters: [{ type: 'text', text: 'only one' }] },
        ]),
      ),
      132000,
    );
    expect(wrongCount.details).toMatch(/3 parameters/);
    await expectMetaError(
      t.client.sendMessage(
        b.token,
        b.phoneNumberId,
        template('order_confirmation', 'en_US', [
          { type: 'body', parameters: [{ type: 'text', parameter_name: 'wrong_name', text: 'x' }] },
        ]),
      ),
      132000,
    );

    await control(`/wabas/${b.wabaId}/templates/order_confirmation/status`, { status: 'PAUSED' });
    const named = [
      {
        type: 'body',
        parameters: [
          { type: 'text', parameter_name: 'first_name', text: 'Jessica' },
          { type: 'text', parameter_name: 'order_number', text: '42' },
        ],
      },
    ];
    await expectMetaError(
      t.client.sendMessage(b.token, b.phoneNumberId, template('order_confirmation', 'en_US', named)),
      132015,
    );
    await control(`/wabas/${b.wabaId}/templates/order_confirmation/status`, { status: 'DISABLED' });
    await expectMetaError(
      t.client.sendMessage(b.token, b.phoneNumberId, template('order_confirmation', 'en_US', named)),
      132016,
    );
    await control(`/wabas/${b.wabaId}/templates/order_confirmation/status`, { status: 'APPROVED' });
    await expect(
      t.client.sendMessage(b.token, b.phoneNumberId, template('order_confirmation', 'en_US', named)),
    ).resolves.toBeTruthy();
  });

  it('answers 130429 past 20 sends in a second, retryable per number', async () => {
    const b = await onboarded(t);
    const body = {
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    };
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        t.client.sendMessage(b.token, b.phoneNumberId, { ...body, to: `+1650555${String(2000 + i)}` }),
      ),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as MetaError);
    // 30 sends in flight together land within a second on any machine these tests run on.
    if (Date.now() - started < 1000) expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const error of refused) {
      expect(error.code).toBe(130429);
      expect(error.subcode).toBe(2494055);
      expect(error.retry).toMatchObject({ retryable: true, scope: 'number' });
    }
    expect((await control(`/numbers/${b.phoneNumberId}/stats`)).max_accepted_in_any_1s).toBe(20);
  });

  it('answers 131056 when one recipient gets more than the pair rate allows', async () => {
    const b = await onboarded(t);
    await control('/settings', { pair_burst: 3 });
    try {
      const body = {
        to: '+16505550999',
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      };
      for (let i = 0; i < 3; i += 1) await t.client.sendMessage(b.token, b.phoneNumberId, body);
      const error = await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, body), 131056);
      expect(error.retry).toMatchObject({ retryable: true, scope: 'recipient' });
      // Another recipient is not held back.
      await t.client.sendMessage(b.token, b.phoneNumberId, { ...body, to: '+16505550998' });
      // One token comes back every 6 s.
      await control('/clock', { advance_ms: 6_000 });
      await t.client.sendMessage(b.token, b.phoneNumberId, body);
    } finally {
      await control('/settings', { pair_burst: 45 });
      await control('/clock', { offset_ms: 0 });
    }
  });

  it('refuses what coexistence numbers cannot do, naming the field', async () => {
    const b = await onboarded(t);
    const error = await expectMetaError(
      t.client.sendMessage(b.token, b.phoneNumberId, {
        to: CUSTOMER,
        type: 'template',
        recipient_type: 'group',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      }),
      131009,
    );
    expect(error.details).toMatch(/recipient_type/);
  });

  it('classifies injected 5xx errors and timeouts as retryable', async () => {
    const b = await onboarded(t);
    const body = {
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    };
    await control('/faults', { error_rate: 1 });
    try {
      const error = await t.client
        .sendMessage(b.token, b.phoneNumberId, body)
        .catch((e: unknown) => e as MetaError);
      expect(error).toBeInstanceOf(MetaError);
      expect([131000, 1, 2, 131016]).toContain((error as MetaError).code);
      expect((error as MetaError).httpStatus).toBeGreaterThanOrEqual(500);
      expect((error as MetaError).retry).toMatchObject({ retryable: true, scope: 'request' });
    } finally {
      await control('/faults', { error_rate: 0 });
    }

    const impatient = new MetaClient({ graphUrl: t.sandbox.url, timeoutMs: 300 });
    await control('/faults', { timeout_rate: 1 });
    try {
      const started = Date.now();
      const error = await impatient.sendMessage(b.token, b.phoneNumberId, body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetaNetworkError);
      expect((error as MetaNetworkError).retry.retryable).toBe(true);
      expect((error as MetaNetworkError).maybeDelivered).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await control('/faults', { timeout_rate: 0 });
      await impatient.close();
    }
    const stats = await control(`/numbers/${b.phoneNumberId}/stats`);
    expect(stats.accepted).toBe(0);
    const totals = await control('/stats?numbers=false');
    expect(totals.graph.timed_out).toBe(1);
  });

  it('refuses /register and /deregister and counts them', async () => {
    const b = await onboarded(t);
    const call = (edge: string) =>
      fetch(`${t.sandbox.url}/v25.0/${b.phoneNumberId}/${edge}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', pin: '123456' }),
      });
    const register = await call('register');
    expect(register.status).toBe(400);
    expect(((await register.json()) as any).error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect((await call('deregister')).status).toBe(400);
    const stats = await control(`/numbers/${b.phoneNumberId}/stats`);
    expect(stats).toMatchObject({ register_calls: 1, deregister_calls: 1 });
  });
});

describe('templates', () => {
  it('lists every template through the cursors, hello_world included', async () => {
    const b = await onboarded(t);
    const first = await t.client.listTemplates(b.token, b.wabaId, { limit: 2 });
    expect(first.templates).toHaveLength(2);
    expect(first.after).not.toBeNull();
    const all = await t.client.listAllTemplates(b.token, b.wabaId, 2);
    const names = all.map((template) => template.name);
    expect(new Set(names).size).toBe(names.length);
    expect(all.find((template) => template.name === 'hello_world')).toMatchObject({
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
    });
    expect(all.some((template) => template.parameter_format === 'NAMED')).toBe(true);
    expect(all.some((template) => template.category === 'MARKETING')).toBe(true);
  });

  it('filters by status and fields', async () => {
    const b = await onboarded(t);
    await control(`/wabas/${b.wabaId}/templates/shipping_update/status`, { status: 'PAUSED' });
    const response = await fetch(
      `${t.sandbox.url}/v25.0/${b.wabaId}/message_templates?status=paused&fields=name,status`,
      {
        headers: { authorization: `Bearer ${b.token}` },
      },
    ).then((r) => r.json() as Promise<any>);
    expect(response.data).toEqual([{ name: 'shipping_update', status: 'PAUSED', id: expect.any(String) }]);
  });

  it('creates a template PENDING, approves it later with a webhook, then sends it', async () => {
    const b = await onboarded(t);
    const created = await fetch(`${t.sandbox.url}/v25.0/${b.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'order_ready',
        language: 'en_US',
        category: 'utility',
        parameter_format: 'named',
        components: [{ type: 'body', text: 'Hi {{first_name}}, order {{order_number}} is ready.' }],
      }),
    }).then((r) => r.json() as Promise<any>);
    expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
    const body = {
      to: CUSTOMER,
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Ana' },
              { type: 'text', parameter_name: 'order_number', text: '7' },
            ],
          },
        ],
      },
    };
    await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, body), 132001);
    await t.receiver.waitFor(
      () =>
        t.receiver
          .changes('message_template_status_update')
          .some((c) => c.value.message_template_name === 'order_ready' && c.value.event === 'APPROVED'),
      5_000,
      'the approval webhook',
    );
    await expect(t.client.sendMessage(b.token, b.phoneNumberId, body)).resolves.toBeTruthy();
  });
});

describe('after Meta offboards the number', () => {
  it('refuses sends with 133010 until the business reconnects', async () => {
    const b = await onboarded(t);
    const body = {
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    };
    await control(`/numbers/${b.phoneNumberId}/offboard`, {});
    const error = await expectMetaError(t.client.sendMessage(b.token, b.phoneNumberId, body), 133010);
    expect(error.retry.retryable).toBe(false);
    await control(`/numbers/${b.phoneNumberId}/reconnect`, {});
    await expect(t.client.sendMessage(b.token, b.phoneNumberId, body)).resolves.toBeTruthy();
  });
});

describe('after the owner unlinks', () => {
  it('revokes the token (190) and sends PARTNER_REMOVED', async () => {
    const b = await onboarded(t);
    await control(`/numbers/${b.phoneNumberId}/unlink`, {});
    await t.receiver.waitFor(
      () => t.receiver.changes('account_update').some((c) => c.entryId === b.wabaId),
      5_000,
      'PARTNER_REMOVED',
    );
    const error = await expectMetaError(t.client.getPhoneNumber(b.token, b.phoneNumberId), 190);
    expect(error.subcode).toBe(458);
  });
});
