import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

/**
 * The seed's binding flow end to end over real HTTP: the api against the sandbox (Meta's Graph
 * API, signed webhooks, a phone with 180 days of chats), real Redis and embedded ClickHouse.
 */
let sandbox: SandboxHandle;
let t: TestApi;
let owner: { accountId: string; apiKey: string };
let stranger: { accountId: string; apiKey: string };
let serial = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'binding-test' });
  t = await startTestApi({ SANDBOX_PORT: String(sandbox.port) });
  sandbox.sandbox.settings.webhookUrl = `${t.url}/webhooks/meta`;
  // Meta delivers at least once: a third of the webhooks arrive twice
  await control('POST', '/__sandbox/faults', { webhook_duplicate_rate: 0.3 });
  owner = await t.createAccount('Owner');
  stranger = await t.createAccount('Stranger');
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
});

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

function business(input: Record<string, unknown> = {}) {
  serial += 1;
  return sandbox.createBusiness({
    display_phone_number: `+1555${String(3000000 + serial)}`,
    app_version: '2.25.3',
    share_history: true,
    history: { days: 180, messages_per_day: 12 },
    contacts: 40,
    country: 'US',
    ...input,
  });
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startBinding(apiKey = owner.apiKey) {
  const created = await t.call(apiKey, 'POST', '/v1/bindings');
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe('binding a WhatsApp Business app number', () => {
  let phoneNumberId = '';
  let bindingId = '';
  let expected: { contacts: number; messages: { syncable: number; group: number; disappearing: number } };

  it('returns the Embedded Signup launch configuration for coexistence', async () => {
    const created = await t.call(owner.apiKey, 'POST', '/v1/bindings');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'started',
      app_id: SANDBOX_DEFAULTS.appId,
      config_id: SANDBOX_DEFAULTS.configId,
      sdk_url: `${sandbox.url}/sdk.js`,
      extras: { featureType: 'whatsapp_business_app_onboarding' },
      requirements: { minimum_app_version: '2.24.17', unsupported_calling_codes: ['234', '27'] },
    });
    expect(created.body.requirements.features.length).toBeGreaterThan(5);
    bindingId = created.body.id;
  });

  it('signs up with only the WABA id, confirms the time zone, finishes, and imports contacts and 180 days of history once', async () => {
    const found = await business({ timezone: null });
    expected = await control('GET', `/__sandbox/numbers/${found.phone_number_id}`);
    expect(expected.messages.syncable).toBeGreaterThan(1000);
    expect(expected.messages.group + expected.messages.disappearing).toBeGreaterThan(0);
    // Meta's coexistence finish event may carry only the WABA: the api finds the number
    const signup = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: true,
      app_version: '2.25.3',
    });
    expect(signup.status, JSON.stringify(signup.body)).toBe(200);
    expect(signup.body).toMatchObject({
      status: 'signed_up',
      business: {
        waba_id: found.waba_id,
        phone_number_id: found.phone_number_id,
        timezone: null,
        timezone_required: true,
      },
    });
    phoneNumberId = found.phone_number_id;

    // a retried signup (the browser resent it) answers the same, it does not fail on the spent code
    const again = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: true,
      app_version: '2.25.3',
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('signed_up');

    // finish before confirm: 409 naming the state
    const early = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/finish`);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'invalid_binding_state' });
    expect(early.body.error.message).toMatch(/signed_up/);

    const noZone = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/confirm`, {});
    expect(noZone.status).toBe(422);
    expect(noZone.body.error.code).toBe('timezone_required');
    const badZone = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/confirm`, {
      timezone: 'Mars/Olympus',
    });
    expect(badZone.status).toBe(422);
    expect(badZone.body.error.code).toBe('invalid_timezone');

    const confirm = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/confirm`, {
      timezone: 'America/New_York',
    });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    expect(confirm.body).toMatchObject({ status: 'confirmed', timezone: 'America/New_York' });
    const finish = await t.call(owner.apiKey, 'POST', `/v1/bindings/${bindingId}/finish`);
    expect(finish.status).toBe(200);
    expect(finish.body.status).toBe('active');

    const number = await until(
      'history sync',
      async () => {
        await t.drain();
        return (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).body;
      },
      (n) =>
        n.sync.history.state === 'completed' &&
        n.sync.contacts.state === 'completed' &&
        n.counts.messages.history >= expected.messages.syncable,
      60_000,
    );
    expect(await sandbox.idle(10_000)).toBe(true);
    await t.drain();
    const view = (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).body;
    expect(view).toMatchObject({
      status: 'active',
      timezone: 'America/New_York',
      throughput_mps: 20,
      sync: { history: { state: 'completed', progress: 100 }, contacts: { state: 'completed' } },
    });
    // exactly what the phone holds: every 1:1 message once, no group or disappearing message
    expect(view.counts.messages.history).toBe(expected.messages.syncable);
    expect(view.counts.contacts).toBe(expected.contacts);
    expect(view.sync.history.chunks_received).toBeGreaterThan(1);
    expect(number.sync.deadline).toBeTruthy();
    // coexistence numbers are never registered through the API
    const stats = await control('GET', `/__sandbox/numbers/${phoneNumberId}/stats`);
    expect(stats.register_calls ?? 0).toBe(0);
  });

  it('changes nothing when Meta replays the whole history', async () => {
    const before = (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).body;
    const volume = async () =>
      (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}/analytics/volume`)).body.totals;
    const totalsBefore = await volume();
    // every webhook the number received, delivered again (the raw bodies are kept for 30 days)
    const raw = await t.api.context.warehouse.raw<{ body: string }>(
      `SELECT body FROM ${t.api.context.warehouse.table('raw_webhooks')} FINAL WHERE has(phone_number_ids, {id:String})`,
      { id: phoneNumberId },
    );
    expect(raw.length).toBeGreaterThan(2);
    for (const { body } of raw) expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    const after = (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).body;
    expect(after.counts).toEqual(before.counts);
    expect(after.sync.history.messages_received).toBe(before.sync.history.messages_received);
    expect(after.sync.history.chunks_received).toBe(before.sync.history.chunks_received);
    expect(await volume()).toEqual(totalsBefore);
    expect(totalsBefore.history).toBe(expected.messages.syncable);
  });

  it('records every step as an audit event', async () => {
    await t.drain();
    const events = await t.api.context.warehouse.raw<{ event: string; to_status: string }>(
      `SELECT event, toString(to_status) AS to_status FROM ${t.api.context.warehouse.table('audit_events')} WHERE binding_id = {id:String} ORDER BY at`,
      { id: bindingId },
    );
    expect(events.map((e) => e.event)).toEqual(['created', 'signup', 'confirm', 'finish']);
  });

  it('shows none of it to another account', async () => {
    expect((await t.call(stranger.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).status).toBe(404);
    expect((await t.call(stranger.apiKey, 'GET', `/v1/bindings/${bindingId}`)).status).toBe(404);
    expect((await t.call(stranger.apiKey, 'POST', `/v1/bindings/${bindingId}/finish`)).status).toBe(404);
    expect(
      (await t.call(stranger.apiKey, 'GET', `/v1/numbers/${phoneNumberId}/analytics/volume`)).status,
    ).toBe(404);
    expect((await t.call(stranger.apiKey, 'GET', `/v1/numbers/${phoneNumberId}/compatibility`)).status).toBe(
      404,
    );
    const list = await t.call(stranger.apiKey, 'GET', '/v1/numbers');
    expect(list.body.data).toEqual([]);
  });

  it('refuses to deregister the number, explaining how to unlink it from the phone', async () => {
    const response = await t.call(owner.apiKey, 'POST', `/v1/numbers/${phoneNumberId}/deregister`);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/Settings > Account > Business Platform/);
    const compatibility = await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}/compatibility`);
    expect(compatibility.body.features.find((f: { id: string }) => f.id === 'group_chats')).toMatchObject({
      api_support: 'not_supported',
    });
  });

  it('ends the binding when the owner unlinks the number from the phone', async () => {
    await control('POST', `/__sandbox/numbers/${phoneNumberId}/unlink`, {});
    const view = await until(
      'PARTNER_REMOVED',
      async () => {
        await t.drain();
        return (await t.call(owner.apiKey, 'GET', `/v1/numbers/${phoneNumberId}`)).body;
      },
      (n) => n.status === 'removed',
    );
    expect(view.alerts.map((a: { code: string }) => a.code)).toContain('partner_removed');
    expect(view.counts.messages.history).toBe(expected.messages.syncable); // history stays
    expect((await t.call(owner.apiKey, 'GET', `/v1/bindings/${bindingId}`)).body.status).toBe('removed');
  });
});

describe('refusals at signup', () => {
  it('refuses a number from an unsupported country, and the binding fails with that reason', async () => {
    const id = await startBinding();
    const found = await business({ display_phone_number: '+2348031234567', country: 'NG' });
    const signup = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      phone_number_id: found.phone_number_id,
      share_history: true,
    });
    expect(signup.status).toBe(422);
    expect(signup.body.error.code).toBe('unsupported_country');
    const binding = (await t.call(owner.apiKey, 'GET', `/v1/bindings/${id}`)).body;
    expect(binding).toMatchObject({ status: 'failed', failure: { code: 'unsupported_country' } });
  });

  it('refuses an app older than 2.24.17 (a real version comparison)', async () => {
    const id = await startBinding();
    const found = await business({ app_version: '2.24.9' });
    const signup = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: true,
      app_version: '2.24.9',
    });
    expect(signup.status).toBe(422);
    expect(signup.body.error.code).toBe('app_version_too_old');
  });

  it('fails a code that expired (Meta gives 30 s) with what to do', async () => {
    const id = await startBinding();
    const found = await business();
    await control('POST', '/__sandbox/clock', { advance_ms: 31_000 });
    try {
      const signup = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
        code: found.code,
        waba_id: found.waba_id,
        share_history: true,
      });
      expect(signup.status).toBe(422);
      expect(signup.body.error.code).toBe('code_exchange_failed');
      expect(signup.body.error.message).toMatch(/Embedded Signup again/);
    } finally {
      await control('POST', '/__sandbox/clock', { offset_ms: 0 });
    }
  });

  it('names the field of a malformed signup body', async () => {
    const id = await startBinding();
    const response = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: 'short',
      waba_id: 'abc',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'code',
      'share_history',
      'waba_id',
    ]);
  });
});

describe('syncs', () => {
  it('requests no history when the owner did not share chats', async () => {
    const id = await startBinding();
    const found = await business({ share_history: false, timezone: 'America/Chicago' });
    await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: false,
    });
    const confirm = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/confirm`, {});
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    expect(confirm.body.timezone).toBe('America/Chicago'); // Meta's own time zone for the account
    const view = (await t.call(owner.apiKey, 'GET', `/v1/numbers/${found.phone_number_id}`)).body;
    expect(view.sync.history).toMatchObject({ state: 'not_requested', shared: false });
    expect(view.sync.contacts.state).not.toBe('not_requested');
  });

  it('marks history declined when the owner refused sharing on the phone (2593109)', async () => {
    const id = await startBinding();
    const found = await business({ share_history: false });
    // the wizard was told "shared", the phone says otherwise: Meta answers with 2593109
    await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: true,
    });
    await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/confirm`, { timezone: 'Europe/Madrid' });
    const view = await until(
      'declined',
      async () => {
        await t.drain();
        return (await t.call(owner.apiKey, 'GET', `/v1/numbers/${found.phone_number_id}`)).body;
      },
      (n) => n.sync.history.state === 'declined',
    );
    expect(view.counts.messages.history).toBe(0);
  });

  it('shows a sync Meta refused after 24 hours (2593108) as an alert on the number', async () => {
    const id = await startBinding();
    const found = await business();
    await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/signup`, {
      code: found.code,
      waba_id: found.waba_id,
      share_history: true,
    });
    await control('POST', '/__sandbox/clock', { advance_ms: 25 * 3_600_000 });
    try {
      const confirm = await t.call(owner.apiKey, 'POST', `/v1/bindings/${id}/confirm`, {
        timezone: 'Europe/Madrid',
      });
      expect(confirm.status).toBe(200);
      const view = (await t.call(owner.apiKey, 'GET', `/v1/numbers/${found.phone_number_id}`)).body;
      expect(view.sync.contacts).toMatchObject({ state: 'failed', last_error: { code: '2593108' } });
      expect(view.alerts.map((a: { code: string }) => a.code)).toContain('sync_failed');
    } finally {
      await control('POST', '/__sandbox/clock', { offset_ms: 0 });
    }
  });
});
