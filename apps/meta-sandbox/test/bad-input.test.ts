/**
 * Whatever a caller sends, the sandbox answers: a Meta-shaped error naming what is wrong on the
 * Graph API, `{error:{code,message}}` naming the field on the control API, never a crash.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

let t: TestSandbox;
let b: Awaited<ReturnType<typeof onboarded>>;

beforeAll(async () => {
  t = await startTestSandbox({ statusWebhooks: false, pairBurst: 100_000 });
  b = await onboarded(t);
  // A service window, so that well-formed free-form messages can be accepted too.
  await fetch(`${t.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}/inbound`, {
    method: 'POST',
    body: JSON.stringify({ from: '+16505551234' }),
  });
});
afterAll(async () => {
  await t.close();
});

async function graph(method: string, path: string, body?: string, token: string | null = b.token) {
  const response = await fetch(`${t.sandbox.url}/v25.0/${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: (await response.json()) as any as any };
}

async function control(method: string, path: string, body?: string) {
  const response = await fetch(`${t.sandbox.url}/__sandbox${path}`, { method, body });
  return { status: response.status, json: (await response.json()) as any as any };
}

function expectGraphError(answer: { status: number; json: any }, code: number, detailsMatch?: RegExp) {
  expect(answer.status, JSON.stringify(answer.json)).toBeGreaterThanOrEqual(400);
  expect(answer.json.error).toMatchObject({
    code,
    type: expect.any(String),
    message: expect.any(String),
    fbtrace_id: expect.any(String),
  });
  if (detailsMatch)
    expect(answer.json.error.error_data?.details ?? answer.json.error.message).toMatch(detailsMatch);
}

const messages = () => `${b.phoneNumberId}/messages`;

describe('Graph API', () => {
  it('answers malformed send bodies with 100, 131008 or 131009 naming the field', async () => {
    expectGraphError(await graph('POST', messages(), '{not json'), 100, /not valid JSON/);
    expectGraphError(await graph('POST', messages(), '[1,2]'), 100, /JSON object/);
    expectGraphError(await graph('POST', messages(), 'null'), 100);
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({ to: '+16505551234', type: 'text', text: { body: 'x' } }),
      ),
      100,
      /messaging_product/,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({ messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }),
      ),
      131008,
      /^to: /,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({ messaging_product: 'whatsapp', to: '+16505551234', type: 'hologram' }),
      ),
      100,
      /type/,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({
          messaging_product: 'whatsapp',
          to: '+16505551234',
          type: 'text',
          text: { body: 'x'.repeat(5000) },
        }),
      ),
      131009,
      /text\.body/,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({
          messaging_product: 'whatsapp',
          to: '+16505551234',
          type: 'image',
          image: { id: '1', link: 'https://x.example/a.jpg' },
        }),
      ),
      131009,
      /image/,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({
          messaging_product: 'whatsapp',
          to: 'not a number',
          type: 'text',
          text: { body: 'x' },
        }),
      ),
      131009,
      /^to: /,
    );
    expectGraphError(
      await graph(
        'POST',
        messages(),
        JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' }),
      ),
      131009,
      /message_id/,
    );
    expectGraphError(
      await graph('POST', messages(), JSON.stringify({ messaging_product: 'whatsapp', status: 'read' })),
      131008,
      /message_id/,
    );
    expectGraphError(await graph('POST', messages(), 'x'.repeat(1_100_000)), 100, /too large/);
  });

  it('answers bad sync, template and subscription requests with 100 naming the parameter', async () => {
    expectGraphError(
      await graph(
        'POST',
        `${b.phoneNumberId}/smb_app_data`,
        JSON.stringify({ messaging_product: 'whatsapp', sync_type: 'everything' }),
      ),
      100,
      /sync_type/,
    );
    expectGraphError(
      await graph('POST', `${b.phoneNumberId}/smb_app_data`, JSON.stringify({ sync_type: 'history' })),
      100,
      /messaging_product/,
    );
    expectGraphError(
      await graph(
        'POST',
        `${b.wabaId}/message_templates`,
        JSON.stringify({
          name: 'Bad Name',
          language: 'en_US',
          category: 'utility',
          components: [{ type: 'body', text: 'x' }],
        }),
      ),
      100,
      /^name: /,
    );
    expectGraphError(
      await graph(
        'POST',
        `${b.wabaId}/message_templates`,
        JSON.stringify({
          name: 'ok_name',
          language: 'en_US',
          category: 'spam',
          components: [{ type: 'body', text: 'x' }],
        }),
      ),
      100,
      /^category: /,
    );
    expectGraphError(
      await graph(
        'POST',
        `${b.wabaId}/message_templates`,
        JSON.stringify({
          name: 'hello_world',
          language: 'en_US',
          category: 'utility',
          components: [{ type: 'body', text: 'x' }],
        }),
      ),
      100,
      /already exists/,
    );
    expectGraphError(await graph('GET', `${b.wabaId}/message_templates?limit=abc`), 100, /limit/);
    expectGraphError(await graph('GET', `${b.wabaId}/message_templates?after=garbage`), 100, /after/);
    expectGraphError(
      await graph(
        'POST',
        `${b.wabaId}/subscribed_apps`,
        JSON.stringify({ override_callback_uri: 'https://x.example/hook' }),
      ),
      100,
      /verify_token/,
    );
    expectGraphError(
      await graph(
        'POST',
        `${b.wabaId}/subscribed_apps`,
        JSON.stringify({ override_callback_uri: 'ftp://x', verify_token: 't' }),
      ),
      100,
      /override_callback_uri/,
    );
  });

  it('answers unknown objects, edges, fields, methods and tokens like Graph', async () => {
    expectGraphError(
      await graph('GET', `${b.phoneNumberId}?fields=id,favourite_colour`),
      100,
      /nonexisting field \(favourite_colour\)/,
    );
    expectGraphError(await graph('GET', `${b.phoneNumberId}/nothing_here`), 2500, /Unknown path components/);
    expectGraphError(await graph('GET', 'me'), 803);
    expectGraphError(await graph('GET', ''), 2500);
    expectGraphError(await graph('PUT', messages(), '{}'), 100, /Unsupported put|Unsupported get/);
    expectGraphError(await graph('DELETE', messages(), '{}'), 100, /Unsupported delete/);
    expectGraphError(await graph('GET', '123456789'), 100, /Unsupported get request/);
    expectGraphError(await graph('GET', b.phoneNumberId, undefined, null), 190, /access token is required/);
    expectGraphError(await graph('GET', b.phoneNumberId, undefined, 'garbage token'), 190);
    const basic = await fetch(`${t.sandbox.url}/v25.0/${b.phoneNumberId}`, {
      headers: { authorization: 'Basic abc' },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expectGraphError(await graph('GET', 'oauth/access_token', undefined, null), 101);
    expectGraphError(await graph('GET', 'oauth/nothing', undefined, null), 2500);
    const unknownRoot = await fetch(`${t.sandbox.url}/favicon.ico`);
    expect(unknownRoot.status).toBe(400);
    expect(((await unknownRoot.json()) as any).error.code).toBe(2500);
  });

  it('survives any JSON thrown at the send endpoint (property)', async () => {
    const messageish = fc.record(
      {
        messaging_product: fc.oneof(fc.constant('whatsapp'), fc.jsonValue()),
        to: fc.oneof(
          fc.constantFrom('+16505551234', '16505551234', 'US.123', '', '+1', 'abc'),
          fc.jsonValue(),
        ),
        type: fc.constantFrom(
          'text',
          'template',
          'image',
          'reaction',
          'interactive',
          'edit',
          'location',
          'contacts',
          'x',
        ),
        text: fc.oneof(fc.record({ body: fc.string() }), fc.jsonValue()),
        template: fc.oneof(
          fc.record({
            name: fc.constantFrom('hello_world', 'order_confirmation', 'x'),
            language: fc.record({ code: fc.constantFrom('en_US', 'en', 'zz') }),
            components: fc.jsonValue(),
          }),
          fc.jsonValue(),
        ),
        image: fc.jsonValue(),
        status: fc.constantFrom('read', 'sent'),
        message_id: fc.jsonValue(),
        recipient_type: fc.constantFrom('individual', 'group', 'broadcast'),
        biz_opaque_callback_data: fc.jsonValue(),
        context: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), messageish), async (body) => {
        const answer = await graph('POST', messages(), JSON.stringify(body));
        if (answer.status === 200) {
          expect(answer.json.messages?.[0]?.id ?? answer.json.success).toBeTruthy();
        } else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.json.error).toMatchObject({
            message: expect.any(String),
            type: expect.any(String),
            code: expect.any(Number),
            fbtrace_id: expect.any(String),
          });
          expect(answer.json.error.error_data?.details ?? '').not.toMatch(
            /unknown error occurred in the sandbox/,
          );
        }
      }),
      { numRuns: 250 },
    );
    expect((await fetch(`${t.sandbox.url}/healthz`)).status).toBe(200);
  });
});

describe('control API', () => {
  it('names the field at fault', async () => {
    const unknown = await control('POST', '/businesses', JSON.stringify({ display_phone: '+15550001111' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      code: 'invalid_request',
      details: { field: 'display_phone' },
    });
    const badNumber = await control('POST', '/businesses', JSON.stringify({ display_phone_number: '+1 23' }));
    expect(badNumber.json.error.details.field).toBe('display_phone_number');
    const badZone = await control('POST', '/businesses', JSON.stringify({ timezone: 'Mars/Olympus' }));
    expect(badZone.status).toBe(400);
    expect(badZone.json.error.details.field).toBe('timezone');
    const badHistory = await control('POST', '/businesses', JSON.stringify({ history: { days: 9999 } }));
    expect(badHistory.json.error.details.field).toBe('history.days');
    const taken = await control(
      'POST',
      '/businesses',
      JSON.stringify({ display_phone_number: `+${b.digits}` }),
    );
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('number_already_connected');
    expect((await control('POST', '/businesses', '{nope')).json.error.code).toBe('invalid_json');
  });

  it('answers 404 for unknown numbers, WABAs, templates and endpoints', async () => {
    expect((await control('GET', '/numbers/42')).status).toBe(404);
    expect(
      (await control('POST', '/wabas/42/templates/x/status', JSON.stringify({ status: 'PAUSED' }))).status,
    ).toBe(404);
    const noTemplate = await control(
      'POST',
      `/wabas/${b.wabaId}/templates/nope/status`,
      JSON.stringify({ status: 'PAUSED' }),
    );
    expect(noTemplate.status).toBe(404);
    expect((await control('GET', '/nothing')).json.error.code).toBe('not_found');
    expect((await control('DELETE', `/numbers/${b.phoneNumberId}`)).status).toBe(404);
  });

  it('validates every body', async () => {
    const cases: Array<[string, unknown, string]> = [
      [`/numbers/${b.phoneNumberId}/inbound`, { text: 'no sender' }, 'from'],
      [`/numbers/${b.phoneNumberId}/inbound`, { from: '+16505551234', type: 'reaction' }, 'context_id'],
      [`/numbers/${b.phoneNumberId}/echo`, { to: 12 }, 'to'],
      [`/numbers/${b.phoneNumberId}/unavailable`, {}, 'from'],
      [`/numbers/${b.phoneNumberId}/contacts`, { action: 'rename', phone_number: '+16505551234' }, 'action'],
      [`/numbers/${b.phoneNumberId}/unlink`, { reason: 'BORED' }, 'reason'],
      [`/wabas/${b.wabaId}/templates/hello_world/status`, { status: 'SLEEPING' }, 'status'],
      ['/faults', { error_rate: 2 }, 'error_rate'],
      ['/settings', { read_fraction: -1 }, 'read_fraction'],
      ['/settings', { webhook_url: 'not a url' }, 'webhook_url'],
    ];
    for (const [path, body, field] of cases) {
      const answer = await control('POST', path, JSON.stringify(body));
      expect(answer.status, path).toBe(400);
      expect(answer.json.error.details?.field, `${path} ${JSON.stringify(answer.json)}`).toBe(field);
      expect(answer.json.error.message).toContain(field);
    }
    const clock = await control('POST', '/clock', JSON.stringify({}));
    expect(clock.status).toBe(400);
    expect(clock.json.error.message).toMatch(/offset_ms|advance_ms/);
    expect((await control('GET', '/webhooks/idle?timeout_ms=-1')).status).toBe(400);
  });

  it('survives any JSON thrown at its endpoints (property)', async () => {
    const paths = [
      '/businesses',
      `/numbers/${b.phoneNumberId}/inbound`,
      `/numbers/${b.phoneNumberId}/echo`,
      `/numbers/${b.phoneNumberId}/contacts`,
      `/wabas/${b.wabaId}/templates/hello_world/status`,
      '/faults',
      '/settings',
      '/clock',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), async (path, body) => {
        const answer = await control('POST', path, JSON.stringify(body));
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400)
          expect(answer.json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 120 },
    );
    await control(
      'POST',
      '/faults',
      JSON.stringify({
        error_rate: 0,
        timeout_rate: 0,
        latency_ms: 0,
        webhook_failure_rate: 0,
        webhook_duplicate_rate: 0,
      }),
    );
    await control('POST', '/clock', JSON.stringify({ offset_ms: 0 }));
  });
});
