import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startTestApi, type TestApi } from './harness.js';

/**
 * Broken, odd and hostile input: each gets its documented answer, the valid parts are kept, and
 * the api never crashes (every test ends by asking /healthz).
 */
let t: TestApi;
let accountId: string;
let apiKey: string;
const NUMBER = '106540352242922';
const metadata = { display_phone_number: '15550783881', phone_number_id: NUMBER };
const envelope = (field: string, value: unknown) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field, value }] }],
  });

beforeAll(async () => {
  t = await startTestApi({ API_RATE_LIMIT_PER_SECOND: '5' });
  ({ accountId, apiKey } = await t.createAccount());
  await t.bindNumber(accountId);
});
afterAll(() => t.close());

async function alive() {
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
}
const stored = async (wamid: string) =>
  Number(
    (
      await t.api.context.warehouse.raw<{ n: string }>(
        `SELECT count() AS n FROM ${t.api.context.warehouse.table('messages')} WHERE wamid = {w:String}`,
        { w: wamid },
      )
    )[0]?.n,
  );
const text = (id: string, body: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
  from: '16505551234',
  id,
  timestamp,
  type: 'text',
  text: { body },
});

describe('hostile webhooks', () => {
  it('answers any signed body with 200 (JSON) or 400 (not JSON), and anything unsigned with 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const signed = await t.postWebhook(body);
          let isJson = true;
          try {
            JSON.parse(body);
          } catch {
            isJson = false;
          }
          expect(signed.status).toBe(isJson ? 200 : 400);
          expect((await t.postWebhook(body, null)).status).toBe(401);
        },
      ),
      { numRuns: 60 },
    );
    await t.drain();
    await alive();
  });

  it('refuses a signature over a different body, a truncated body and an empty one', async () => {
    const body = fixture('webhook-messages-text.json');
    const other = signWebhookBody(`${body} `, SANDBOX_DEFAULTS.appSecret);
    expect((await t.postWebhook(body, other)).status).toBe(401);
    expect((await t.postWebhook(body.slice(0, body.length / 2))).status).toBe(400);
    expect((await t.postWebhook('')).status).toBe(400);
    await alive();
  });

  it('survives deeply nested JSON and keeps the valid message beside it', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const valid = envelope('messages', {
      messaging_product: 'whatsapp',
      metadata,
      messages: [text('wamid.HOSTILE.DEEP', 'still here')],
    });
    // an unknown field 50,000 levels deep, beside the message
    const body = valid.replace('"messaging_product"', `"nested":${deep},"messaging_product"`);
    expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    expect(await stored('wamid.HOSTILE.DEEP')).toBe(1);
    await alive();
  });

  it('drops parts dated before 2009 or after 2100 and keeps the rest', async () => {
    const body = envelope('messages', {
      messaging_product: 'whatsapp',
      metadata,
      messages: [
        text('wamid.HOSTILE.FUTURE', 'from the future', '99999999999'),
        text('wamid.HOSTILE.PAST', 'from the past', '86400'),
        text('wamid.HOSTILE.NOW', 'now'),
      ],
    });
    expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    expect(await stored('wamid.HOSTILE.FUTURE')).toBe(0);
    expect(await stored('wamid.HOSTILE.PAST')).toBe(0);
    expect(await stored('wamid.HOSTILE.NOW')).toBe(1);
    expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/kind="timestamp_out_of_range"\} [1-9]/);
  });

  it('stores SQL- and HTML-looking names and emoji verbatim, and serves them back as data', async () => {
    const name = `Robert'); DROP TABLE messages; -- <script>alert(1)</script> 🧑‍🍳 ﷽`;
    const body = envelope('messages', {
      messaging_product: 'whatsapp',
      metadata,
      contacts: [{ profile: { name }, wa_id: '16505550042' }],
      messages: [{ ...text('wamid.HOSTILE.NAME', "😀 <b>hi</b> ' OR 1=1 --"), from: '16505550042' }],
    });
    expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    await t.api.refresher.flush();
    expect(await stored('wamid.HOSTILE.NAME')).toBe(1);
    const contact = await t.call(apiKey, 'GET', `/v1/numbers/${NUMBER}/contacts/16505550042`);
    expect(contact.body.name).toBe(name);
    const csv = await fetch(`${t.url}/v1/numbers/${NUMBER}/analytics/conversations.csv`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    await alive();
  });

  it('writes every other job of a batch when ClickHouse refuses one job’s rows', async () => {
    const row = (wamid: string, direction: string) => ({
      account_id: accountId,
      phone_number_id: NUMBER,
      wamid,
      contact_key: '16505551234',
      contact_wa_id: '16505551234',
      direction,
      source: 'live',
      type: 'text',
      ts: '2026-11-01 10:00:00.000',
      text_len: 1,
      has_media: 0,
      is_placeholder: 0,
      is_upgrade: 0,
      history_phase: -1,
      history_status: '',
      context_wamid: '',
      target_wamid: '',
      message_id: '',
      template_name: '',
      template_language: '',
      version: 1,
    });
    // written in one batch: ClickHouse refuses the whole insert because of the second job's row
    const [good, bad, alsoGood] = await Promise.allSettled([
      t.api.writer.write({ messages: [row('wamid.HOSTILE.BATCH1', 'inbound')] }),
      t.api.writer.write({ messages: [row('wamid.HOSTILE.BATCH2', 'sideways')] }),
      t.api.writer.write({ messages: [row('wamid.HOSTILE.BATCH3', 'outbound')] }),
    ]);
    expect([good.status, bad.status, alsoGood.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await stored('wamid.HOSTILE.BATCH1')).toBe(1);
    expect(await stored('wamid.HOSTILE.BATCH3')).toBe(1);
    expect(await stored('wamid.HOSTILE.BATCH2')).toBe(0);
    await alive();
  });
});

describe('hostile API requests', () => {
  it('answers malformed JSON, wrong types and oversized bodies with their codes', async () => {
    const bad = await fetch(`${t.url}/v1/bindings/bnd_x/signup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: '{"code": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe('invalid_json');
    const huge = await fetch(`${t.url}/v1/admin/accounts`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const types = await t.call(apiKey, 'POST', '/v1/bindings/bnd_x/signup', {
      code: 42,
      waba_id: [],
      share_history: 'yes',
    });
    expect([400, 404]).toContain(types.status);
    await alive();
  });

  it('refuses missing and wrong API keys without saying which accounts exist', async () => {
    const none = await fetch(`${t.url}/v1/numbers`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await t.call('cx_not-a-key', 'GET', '/v1/numbers');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(accountId);
  });

  it('limits requests per API key (429 with Retry-After), and a flood on the API does not touch webhooks', async () => {
    const { apiKey: flooder } = await t.createAccount('Flooder');
    const answers = await Promise.all(
      Array.from({ length: 120 }, () => t.call(flooder, 'GET', '/v1/numbers')),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body.error.code).toBe('rate_limited');
    // the other account is not limited by the flooder's traffic
    expect((await t.call(apiKey, 'GET', '/v1/numbers')).status).toBe(200);
    // Meta's webhooks are never rate limited
    const webhooks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.postWebhook(
          envelope('messages', {
            messaging_product: 'whatsapp',
            metadata,
            messages: [text(`wamid.HOSTILE.FLOOD${i}`, 'x')],
          }),
        ),
      ),
    );
    expect(webhooks.every((r) => r.status === 200)).toBe(true);
  });
});
