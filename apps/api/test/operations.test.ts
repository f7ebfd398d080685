import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApi, type TestApi } from './harness.js';

let sandbox: SandboxHandle;
let t: TestApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'operations-test' });
  t = await startTestApi({ SANDBOX_PORT: String(sandbox.port) });
  sandbox.sandbox.settings.webhookUrl = `${t.url}/webhooks/meta`;
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
});

describe('operating the api', () => {
  it('publishes an OpenAPI document built from the request validators, and a page for it', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/bindings/{id}/signup',
      '/v1/numbers/{phone_number_id}/messages',
      '/v1/numbers/{phone_number_id}/analytics/{report}',
      '/webhooks/meta',
    ]) {
      expect(doc.paths[path], path).toBeTruthy();
    }
    const signup = doc.paths['/v1/bindings/{id}/signup'].post.requestBody.content['application/json'].schema;
    expect(signup.required).toEqual(expect.arrayContaining(['code', 'waba_id', 'share_history']));
    const send =
      doc.paths['/v1/numbers/{phone_number_id}/messages'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(send)).toContain('"template"');
    const page = await fetch(`${t.url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/openapi.json');
  });

  it('keeps the queue dashboard behind ADMIN_TOKEN', async () => {
    expect((await fetch(`${t.url}/admin/queues`)).status).toBe(401);
    const wrong = Buffer.from('ops:wrong-token').toString('base64');
    expect(
      (await fetch(`${t.url}/admin/queues`, { headers: { authorization: `Basic ${wrong}` } })).status,
    ).toBe(401);
    const right = Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64');
    const page = await fetch(`${t.url}/admin/queues`, { headers: { authorization: `Basic ${right}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${t.url}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${right}` },
    });
    expect(((await api.json()) as any).queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['{ingest}', '{send}', '{bindings}']),
    );
  });

  it('reports health and Prometheus metrics', async () => {
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as any;
    expect(health.status).toBe('ok');
    expect(health.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['redis', true],
      ['clickhouse', true],
      ['queues', true],
    ]);
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    await t.postWebhook(body);
    await t.postWebhook(body, 'sha256=bad');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/coexist_webhooks_received_total \d+/);
    expect(metrics).toMatch(/coexist_webhooks_rejected_total\{reason="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/coexist_queue_jobs\{queue="ingest",state="waiting"\}/);
    expect(metrics).toContain('coexist_api_process_cpu_seconds_total');
  });

  it('never logs a token, an API key, the app secret or the admin token, even in errors', async () => {
    const { apiKey } = await t.createAccount();
    const business = await sandbox.createBusiness({
      display_phone_number: '+15557770001',
      share_history: true,
      history: { days: 10, messages_per_day: 5 },
    });
    const binding = (await t.call(apiKey, 'POST', '/v1/bindings')).body;
    await t.call(apiKey, 'POST', `/v1/bindings/${binding.id}/signup`, {
      code: business.code,
      waba_id: business.waba_id,
      share_history: true,
    });
    // a late sync fails at Meta and is logged with Meta's error
    await fetch(`${sandbox.url}/__sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: 25 * 3_600_000 }),
    });
    await t.call(apiKey, 'POST', `/v1/bindings/${binding.id}/confirm`, { timezone: 'Europe/Lisbon' });
    await fetch(`${sandbox.url}/__sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset_ms: 0 }),
    });
    // and something that puts secrets right into a log call
    t.api.context.logger.error(
      { token: 'EAAsecret', api_key: apiKey, headers: { authorization: `Bearer ${apiKey}` } },
      `a careless message with ${SANDBOX_DEFAULTS.appSecret} and ${ADMIN_TOKEN} inside`,
    );
    await t.postWebhook('{"object":"whatsapp_business_account","entry":[]}', signWebhookBody('x', 'y'));
    await t.drain();

    const issuedToken = t.api.context.cipher.decrypt(
      (await t.api.context.bindings.get((await t.api.context.accounts.authenticate(apiKey))!.id, binding.id))!
        .sealedToken!,
      business.waba_id,
    );
    expect(issuedToken.length).toBeGreaterThan(20);
    const logs = t.logs.join('');
    expect(logs).toContain('sync request failed'); // the error was logged…
    expect(logs).toContain('[REDACTED]');
    for (const secret of [issuedToken, apiKey, SANDBOX_DEFAULTS.appSecret, ADMIN_TOKEN, 'EAAsecret']) {
      expect(logs.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false); // …without a secret
    }
  });
});
