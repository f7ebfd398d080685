import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startTestApi, type TestApi } from './harness.js';

let t: TestApi;
let accountId: string;
let apiKey: string;

beforeAll(async () => {
  t = await startTestApi();
  ({ accountId, apiKey } = await t.createAccount());
  await t.bindNumber(accountId);
});
afterAll(() => t.close());

const NUMBER = '106540352242922';
const envelope = (field: string, value: unknown) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field, value }] }],
  });
const metadata = { display_phone_number: '15550783881', phone_number_id: NUMBER };

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return t.api.context.warehouse.raw<T>(sql.replaceAll('{db}', t.api.context.warehouse.database));
}
const messageCount = async (wamid: string) =>
  Number(
    (await rows<{ n: string }>(`SELECT count() AS n FROM {db}.messages WHERE wamid = '${wamid}'`))[0]?.n,
  );

describe('GET /webhooks/meta', () => {
  it('answers the verification handshake with the challenge as plain text', async () => {
    const response = await fetch(
      `${t.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=coexist-sandbox-verify-token&hub.challenge=1158201444`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it('refuses a wrong verify token or mode', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
      'hub.mode=x&hub.verify_token=coexist-sandbox-verify-token&hub.challenge=1',
      '',
    ]) {
      expect((await fetch(`${t.url}/webhooks/meta?${query}`)).status).toBe(403);
    }
  });
});

describe('POST /webhooks/meta: signatures and bad bodies', () => {
  const body = fixture('webhook-messages-text.json');

  it('refuses a missing, malformed or wrong signature with 401 and stores nothing', async () => {
    const before = await t.api.context.queues.ingest.getJobCounts('completed', 'waiting', 'active');
    const other = envelope('messages', { messaging_product: 'whatsapp', metadata, messages: [] });
    const { signWebhookBody } = await import('@coexist/meta-client');
    for (const signature of [
      null,
      'sha256=abc',
      `sha256=${'0'.repeat(64)}`,
      signWebhookBody(other, 'coexist-sandbox-app-secret'),
      signWebhookBody(body, 'another-secret'),
    ]) {
      const response = await t.postWebhook(body, signature);
      expect(response.status, String(signature)).toBe(401);
      expect(((await response.json()) as any).error.code).toBe('invalid_signature');
    }
    const after = await t.api.context.queues.ingest.getJobCounts('completed', 'waiting', 'active');
    expect(after).toEqual(before);
  });

  it('refuses signed bodies that are not JSON with 400, and oversized bodies with 413', async () => {
    const broken = await t.postWebhook('{"object": "whatsapp_business_account", "entry": [');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).error.code).toBe('invalid_json');
    const huge = 'x'.repeat(t.api.context.config.webhookMaxBytes + 10);
    const tooLarge = await t.postWebhook(huge);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as any).error.code).toBe('payload_too_large');
  });

  it('accepts a 3 MB history body, the largest Meta sends', async () => {
    const threads = Array.from({ length: 6000 }, (_, i) => ({
      id: `1650555${String(i).padStart(4, '0')}`,
      messages: [
        {
          from: `1650555${String(i).padStart(4, '0')}`,
          id: `wamid.BIG${i}`,
          timestamp: '1739230955',
          type: 'text',
          text: { body: 'x'.repeat(400) },
          history_context: { status: 'READ' },
        },
      ],
    }));
    const big = envelope('history', {
      messaging_product: 'whatsapp',
      metadata,
      history: [{ metadata: { phase: 2, chunk_order: 9, progress: 10 }, threads }],
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(2.9 * 1024 * 1024);
    const response = await t.postWebhook(big);
    expect(response.status).toBe(200);
    await t.drain();
    expect(
      Number(
        (await rows<{ n: string }>(`SELECT count() AS n FROM {db}.messages WHERE wamid LIKE 'wamid.BIG%'`))[0]
          ?.n,
      ),
    ).toBe(6000);
  });
});

describe('POST /webhooks/meta: ingest', () => {
  it('stores a live message once, however often it is delivered, and opens the service window', async () => {
    const body = fixture('webhook-messages-text.json');
    const wamid = JSON.parse(body).entry[0].changes[0].value.messages[0].id as string;
    expect((await t.postWebhook(body)).status).toBe(200);
    expect((await t.postWebhook(body)).status).toBe(200);
    // the same message inside another body (Meta batches differently on retry)
    const value = JSON.parse(body).entry[0].changes[0].value;
    const rebatched = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            { field: 'messages', value },
            { field: 'messages', value },
          ],
        },
      ],
    });
    expect((await t.postWebhook(rebatched)).status).toBe(200);
    await t.drain();
    expect(await messageCount(wamid)).toBe(1);
    const [row] = await rows<{ source: string; direction: string; contact_key: string }>(
      `SELECT toString(source) AS source, toString(direction) AS direction, contact_key FROM {db}.messages WHERE wamid = '${wamid}'`,
    );
    expect(row).toEqual({ source: 'live', direction: 'inbound', contact_key: '16505551234' });
    const lastInbound = await t.api.context.contacts.lastInboundAt(NUMBER, {
      waId: '16505551234',
      userId: null,
    });
    expect(lastInbound).toBe(Number(value.messages[0].timestamp) * 1000);
  });

  it('takes one unit of the number’s 20 msg/s budget per inbound message, once per wamid', async () => {
    const fresh = '106540352240001';
    await t.bindNumber(accountId, { phoneNumberId: fresh, displayPhoneNumber: '15550000001' });
    const units = async () => (await t.api.metrics.inboundBudget.get()).values[0]?.value ?? 0;
    const before = await units();
    const messages = Array.from({ length: 5 }, (_, i) => ({
      from: '16505551234',
      id: `wamid.BUDGET${i}`,
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: 'text',
      text: { body: 'hello' },
    }));
    const body = envelope('messages', {
      messaging_product: 'whatsapp',
      metadata: { ...metadata, phone_number_id: fresh },
      messages,
    });
    await t.postWebhook(body);
    await t.postWebhook(body.replace('"hello"', '"hello "')); // the same messages in another delivery
    await t.drain();
    expect((await units()) - before).toBe(5);
    // they went into the same sliding log the sender takes its slots from (when still inside the window)
    const log = await t.api.context.redis.zcard(t.api.context.keys.numberTraffic(fresh));
    expect(log).toBeLessThanOrEqual(5);
  });

  it('keeps echoes and history out of the service window', async () => {
    const contact = { waId: '16315551111', userId: null };
    const echo = envelope('smb_message_echoes', {
      messaging_product: 'whatsapp',
      metadata,
      message_echoes: [
        {
          from: '15550783881',
          to: '16315551111',
          id: 'wamid.ECHO1',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'from the phone' },
        },
      ],
    });
    const history = envelope('history', {
      messaging_product: 'whatsapp',
      metadata,
      history: [
        {
          metadata: { phase: 0, chunk_order: 1, progress: 5 },
          threads: [
            {
              id: '16315551111',
              messages: [
                {
                  from: '16315551111',
                  id: 'wamid.HIST1',
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: 'old' },
                  history_context: { status: 'READ' },
                },
              ],
            },
          ],
        },
      ],
    });
    await t.postWebhook(echo);
    await t.postWebhook(history);
    await t.drain();
    expect(await messageCount('wamid.ECHO1')).toBe(1);
    expect(await messageCount('wamid.HIST1')).toBe(1);
    expect(await t.api.context.contacts.lastInboundAt(NUMBER, contact)).toBeNull();
  });

  it('imports history chunks in any order, once, and completes at progress 100', async () => {
    const id = '106540352240002';
    await t.bindNumber(accountId, { phoneNumberId: id, displayPhoneNumber: '15550000002' });
    const chunk = (phase: number, order: number, progress: number, count: number) =>
      envelope('history', {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550000002', phone_number_id: id },
        history: [
          {
            metadata: { phase, chunk_order: order, progress },
            threads: [
              {
                id: '16505550000',
                messages: Array.from({ length: count }, (_, i) => ({
                  from: i % 2 ? '15550000002' : '16505550000',
                  id: `wamid.C${order}M${i}`,
                  timestamp: String(1739230955 + i),
                  type: 'text',
                  text: { body: `m${i}` },
                  history_context: { status: 'READ' },
                })),
              },
              // a group thread: never imported
              {
                id: '120363025246125486@g.us',
                messages: [
                  {
                    from: '16505550000',
                    id: `wamid.G${order}`,
                    timestamp: '1739230955',
                    type: 'text',
                    text: { body: 'g' },
                  },
                ],
              },
            ],
          },
        ],
      });
    const bodies = [chunk(2, 3, 100, 4), chunk(0, 1, 30, 3), chunk(1, 2, 70, 5)];
    for (const body of bodies) await t.postWebhook(body);
    await t.postWebhook(bodies[0] as string); // a replay
    await t.drain();
    // and once more after it was fully processed
    await t.postWebhook(bodies[1] as string);
    await t.drain();
    const [count] = await rows<{ n: string; inbound: string; phases: string }>(
      `SELECT count() AS n, countIf(direction = 'inbound') AS inbound, toString(groupUniqArray(history_phase)) AS phases FROM {db}.messages WHERE phone_number_id = '${id}'`,
    );
    expect(Number(count?.n)).toBe(12);
    expect(Number(count?.inbound)).toBe(2 + 2 + 3);
    const sync = await t.api.context.sync.get(id);
    expect(sync.history).toMatchObject({
      state: 'completed',
      progress: 100,
      chunksReceived: 3,
      messagesReceived: 12,
    });
    expect(await messageCount('wamid.G1')).toBe(0);
  });

  it('counts a media message once when its follow-up arrives before the chunk with its placeholder', async () => {
    const id = '106540352240004';
    await t.bindNumber(accountId, { phoneNumberId: id, displayPhoneNumber: '15550000004' });
    const meta = { display_phone_number: '15550000004', phone_number_id: id };
    const followUp = envelope('history', {
      messaging_product: 'whatsapp',
      metadata: meta,
      messages: [
        {
          from: '16505550009',
          id: 'wamid.MEDIA1',
          timestamp: '1739230955',
          type: 'image',
          image: { id: '1234', mime_type: 'image/jpeg', sha256: 'x', caption: 'the menu' },
        },
      ],
    });
    const chunk = envelope('history', {
      messaging_product: 'whatsapp',
      metadata: meta,
      history: [
        {
          metadata: { phase: 0, chunk_order: 1, progress: 100 },
          threads: [
            {
              id: '16505550009',
              messages: [
                {
                  from: '16505550009',
                  id: 'wamid.MEDIA1',
                  timestamp: '1739230955',
                  type: 'media_placeholder',
                  history_context: { status: 'READ' },
                },
                {
                  from: '16505550009',
                  id: 'wamid.TEXT1',
                  timestamp: '1739230956',
                  type: 'text',
                  text: { body: 'hi' },
                  history_context: { status: 'READ' },
                },
              ],
            },
          ],
        },
      ],
    });
    await t.postWebhook(followUp);
    await t.drain();
    await t.postWebhook(chunk);
    await t.drain();
    const view = await t.call(apiKey, 'GET', `/v1/numbers/${id}`);
    expect(view.body.counts.messages.history).toBe(2);
    const [media] = await rows<{ n: string; type: string }>(
      `SELECT countIf(is_upgrade = 0) AS n, argMax(type, version) AS type FROM {db}.messages WHERE wamid = 'wamid.MEDIA1'`,
    );
    expect(media).toEqual({ n: '1', type: 'image' });
  });

  it('marks history declined on 2593109', async () => {
    const id = '106540352240003';
    await t.bindNumber(accountId, { phoneNumberId: id, displayPhoneNumber: '15550000003' });
    await t.postWebhook(fixture('webhook-history-declined-2593109.json').replaceAll(NUMBER, id));
    await t.drain();
    expect((await t.api.context.sync.get(id)).history.state).toBe('declined');
  });

  it('records contacts from smb_app_state_sync, and removals', async () => {
    await t.postWebhook(fixture('webhook-smb-app-state-sync.json'));
    await t.postWebhook(fixture('webhook-smb-app-state-sync-remove.json'));
    await t.drain();
    const contacts = await rows<{ contact_key: string; removed: number; name: string }>(
      `SELECT contact_key, removed, name FROM {db}.contacts FINAL WHERE phone_number_id = '${NUMBER}' AND origin = 'state_sync'`,
    );
    expect(contacts.length).toBeGreaterThan(0);
    expect((await t.api.context.sync.get(NUMBER)).contacts.received).toBeGreaterThanOrEqual(2);
  });

  it('raises the 131060 alert, and lets the real message with the same wamid replace the placeholder', async () => {
    const body = fixture('webhook-messages-error-131060.json');
    const wamid = JSON.parse(body).entry[0].changes[0].value.messages[0].id as string;
    await t.postWebhook(body);
    await t.drain();
    const alerts = await t.api.context.alerts.list(NUMBER);
    expect(alerts.find((a) => a.code === 'message_unavailable')?.message).toMatch(/WhatsApp Business app/);
    const real = envelope('messages', {
      messaging_product: 'whatsapp',
      metadata,
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
      messages: [
        {
          from: '16505551234',
          id: wamid,
          timestamp: '1750090710',
          type: 'text',
          text: { body: 'the real one' },
        },
      ],
    });
    await t.postWebhook(real);
    await t.postWebhook(real.replace('the real one', 'the real one '));
    await t.drain();
    // counted once, and read as the real message
    const [stored] = await rows<{ messages: string; is_placeholder: number; type: string }>(
      `SELECT countIf(is_upgrade = 0) AS messages, argMax(is_placeholder, version) AS is_placeholder, argMax(type, version) AS type FROM {db}.messages WHERE wamid = '${wamid}'`,
    );
    expect(stored).toEqual({ messages: '1', is_placeholder: 0, type: 'text' });
    expect(
      Number(
        (await rows<{ n: string }>(`SELECT count() AS n FROM {db}.messages WHERE wamid = '${wamid}'`))[0]?.n,
      ),
    ).toBe(2);
  });

  it('moves our message forward on statuses in any order, and opts out on 131050', async () => {
    const { MessageStore } = await import('@coexist/storage');
    const id = MessageStore.newId();
    const messages = t.api.context.messages;
    await messages.create({
      id,
      accountId,
      phoneNumberId: NUMBER,
      to: '+16505551234',
      recipient: '16505551234',
      type: 'text',
      templateName: null,
      templateLanguage: null,
      templateCategory: null,
      body: '{}',
      createdAt: Date.now(),
    });
    await messages.transition(id, 'accepted', { wamid: 'wamid.OURS1' });
    const status = (state: string, ts: number, extra: Record<string, unknown> = {}) =>
      envelope('messages', {
        messaging_product: 'whatsapp',
        metadata,
        statuses: [
          {
            id: 'wamid.OURS1',
            status: state,
            timestamp: String(ts),
            recipient_id: '16505551234',
            biz_opaque_callback_data: id,
            ...extra,
          },
        ],
      });
    await t.postWebhook(status('read', 1750000003));
    await t.postWebhook(status('sent', 1750000001));
    await t.postWebhook(status('delivered', 1750000002));
    await t.drain();
    expect((await messages.get(id))?.status).toBe('read');
    const stored = await rows<{ status: string; message_id: string }>(
      `SELECT toString(status) AS status, message_id FROM {db}.statuses WHERE wamid = 'wamid.OURS1' ORDER BY ts`,
    );
    expect(stored.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(stored.every((s) => s.message_id === id)).toBe(true);

    await t.postWebhook(
      envelope('messages', {
        messaging_product: 'whatsapp',
        metadata,
        statuses: [
          {
            id: 'wamid.OTHER',
            status: 'failed',
            timestamp: '1750000009',
            recipient_id: '16505559999',
            errors: [
              {
                code: 131050,
                title:
                  'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
              },
            ],
          },
        ],
      }),
    );
    await t.drain();
    expect(
      await t.api.context.contacts.optedOut(NUMBER, { waId: '16505559999', userId: null }),
    ).toMatchObject({ reason: 'meta_131050' });
  });

  it('learns the wamid of a send whose answer was lost, from its status webhook, and records the send', async () => {
    const { MessageStore } = await import('@coexist/storage');
    const id = MessageStore.newId();
    const messages = t.api.context.messages;
    await messages.create({
      id,
      accountId,
      phoneNumberId: NUMBER,
      to: '+16505551234',
      recipient: '16505551234',
      type: 'template',
      templateName: 'order_update',
      templateLanguage: 'en_US',
      templateCategory: 'UTILITY',
      body: '{}',
      createdAt: Date.now(),
    });
    await messages.transition(id, 'sending'); // the request left; its answer never came back
    await t.postWebhook(
      envelope('messages', {
        messaging_product: 'whatsapp',
        metadata,
        statuses: [
          {
            id: 'wamid.LOSTANSWER',
            status: 'delivered',
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: '16505551234',
            biz_opaque_callback_data: id,
          },
        ],
      }),
    );
    await t.drain();
    expect(await messages.get(id)).toMatchObject({ status: 'delivered', wamid: 'wamid.LOSTANSWER' });
    expect(await messages.idForWamid('wamid.LOSTANSWER')).toBe(id);
    const [row] = await rows<{ source: string; message_id: string; template_name: string }>(
      `SELECT toString(source) AS source, message_id, template_name FROM {db}.messages WHERE wamid = 'wamid.LOSTANSWER'`,
    );
    expect(row).toEqual({ source: 'api', message_id: id, template_name: 'order_update' });
  });

  it('opts out on a STOP keyword and back in on START', async () => {
    const contact = { waId: '16505557777', userId: null };
    const text = (id: string, body: string) =>
      envelope('messages', {
        messaging_product: 'whatsapp',
        metadata,
        messages: [
          {
            from: '16505557777',
            id,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'text',
            text: { body },
          },
        ],
      });
    await t.postWebhook(text('wamid.STOP1', ' Stop '));
    await t.drain();
    expect(await t.api.context.contacts.optedOut(NUMBER, contact)).toMatchObject({ reason: 'keyword' });
    await t.postWebhook(text('wamid.START1', 'START'));
    await t.drain();
    expect(await t.api.context.contacts.optedOut(NUMBER, contact)).toBeNull();
  });

  it('applies template status updates to the cache', async () => {
    const { parseTemplateDefinition } = await import('@coexist/core');
    const parsed = parseTemplateDefinition({
      id: '1689556908129832',
      name: 'order_confirmation',
      language: 'en-US',
      status: 'PENDING',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order is confirmed' }],
    });
    if (!parsed.ok) throw new Error('fixture');
    await t.api.context.templates.replaceAll('102290129340398', [parsed.template]);
    await t.postWebhook(fixture('webhook-message-template-status-update-approved.json'));
    await t.drain();
    expect((await t.api.context.templates.list('102290129340398'))[0]?.status).toBe('APPROVED');
  });

  it('keeps the valid entry when a sibling entry is broken, and answers unknown fields with 200', async () => {
    const good = JSON.parse(fixture('webhook-messages-reaction.json')).entry[0];
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: 42, changes: 'nope' },
        good,
        { id: '1', changes: [{ field: 'calls', value: { anything: true } }] },
      ],
    });
    expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    const wamid = good.changes[0].value.messages[0].id as string;
    expect(await messageCount(wamid)).toBe(1);
  });

  it('ends the binding on PARTNER_REMOVED: the number stops, its history stays', async () => {
    const before = await messageCount(
      JSON.parse(fixture('webhook-messages-text.json')).entry[0].changes[0].value.messages[0].id,
    );
    await t.postWebhook(fixture('webhook-account-update-partner-removed.json'));
    await t.drain();
    expect((await t.api.context.numbers.get(NUMBER))?.status).toBe('removed');
    const view = await t.call(apiKey, 'GET', `/v1/numbers/${NUMBER}`);
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('removed');
    expect(view.body.alerts.map((a: { code: string }) => a.code)).toContain('partner_removed');
    expect(before).toBe(1);
    const events = await rows<{ event: string }>(
      `SELECT event FROM {db}.account_events WHERE phone_number_id = '${NUMBER}'`,
    );
    expect(events.map((e) => e.event)).toContain('PARTNER_REMOVED');
  });

  it('every fixture Meta documents is accepted and never crashes the api', async () => {
    const { readdirSync } = await import('node:fs');
    const { PAYLOADS } = await import('./harness.js');
    for (const file of readdirSync(PAYLOADS).filter((f) => f.startsWith('webhook-'))) {
      const body = fixture(file);
      const json = JSON.parse(body);
      if (Object.keys(json).some((k) => k.startsWith('_'))) continue; // descriptors, not bodies
      const response = await t.postWebhook(body);
      expect(response.status, file).toBe(200);
    }
    await t.drain();
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
