import type { TemplateDefinition } from '@coexist/core';
import { SendLanes } from '@coexist/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let t: TestApi;
let apiKey: string;
let otherKey: string;
let accountId: string;
let lanes: SendLanes;

const ACTIVE = '106540352242922';
const WABA = '102290129340398';
const CUSTOMER = '+16505551234';

const TEMPLATES: TemplateDefinition[] = [
  {
    id: '1',
    name: 'order_update',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} is on its way.' }],
  },
  {
    id: '2',
    name: 'spring_sale',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Spring sale: {{1}} off.' }],
  },
  {
    id: '3',
    name: 'old_promo',
    language: 'en_US',
    status: 'PAUSED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Old promo' }],
  },
] as unknown as TemplateDefinition[];

beforeAll(async () => {
  t = await startTestApi();
  ({ accountId, apiKey } = await t.createAccount('Sender'));
  ({ apiKey: otherKey } = await t.createAccount('Someone else'));
  await t.bindNumber(accountId);
  await t.bindNumber(accountId, {
    phoneNumberId: '106540352242923',
    displayPhoneNumber: '15550783882',
    status: 'confirmed',
  });
  await t.bindNumber(accountId, {
    phoneNumberId: '106540352242924',
    displayPhoneNumber: '15550783883',
    timezone: null,
  });
  await t.api.context.templates.replaceAll(WABA, TEMPLATES);
  // the customer wrote an hour ago: their service window is open
  await t.api.context.contacts.recordInbound(
    ACTIVE,
    { waId: '16505551234', userId: null },
    Date.now() - 3600_000,
  );
  lanes = new SendLanes(t.api.context.redis, t.api.context.keys);
});
afterAll(() => t.close());

async function send(body: unknown, options: { number?: string; key?: string; idempotencyKey?: string } = {}) {
  const response = await fetch(`${t.url}/v1/numbers/${options.number ?? ACTIVE}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.key ?? apiKey}`,
      'content-type': 'application/json',
      ...(options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const text = (to = CUSTOMER, body = 'Your order has shipped') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
});
const template = (name: string, parameters: string[], to = CUSTOMER) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name,
    language: { code: 'en_US' },
    components: parameters.length
      ? [{ type: 'body', parameters: parameters.map((p) => ({ type: 'text', text: p })) }]
      : [],
  },
});

describe('POST /v1/numbers/{id}/messages: validation', () => {
  it('answers 400 naming every field at fault, as a marketer would read it', async () => {
    const response = await send({ messaging_product: 'whatsapp', type: 'text', text: { body: '' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    const fields = response.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'text.body']));
    expect(response.body.error.message).toContain('to: is required');
  });

  it('names nested fields and wrong recipients', async () => {
    const bad = await send({
      messaging_product: 'whatsapp',
      to: 'not a phone',
      type: 'image',
      image: { link: 'http://example.com/a.png' },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'image.link']));
    const unknownType = await send({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'hologram' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.details.fields[0].field).toBe('type');
  });

  it('refuses a bad Idempotency-Key header', async () => {
    const response = await send(text(), { idempotencyKey: 'has spaces' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].field).toBe('Idempotency-Key');
  });
});

describe('POST /v1/numbers/{id}/messages: rules', () => {
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number]> = [
    ['number_not_active', () => send(text(), { number: '106540352242923' }), 409],
    ['timezone_required', () => send(text(), { number: '106540352242924' }), 409],
    ['unsupported_on_coexistence', () => send({ ...text(), recipient_type: 'group' }), 422],
    ['outside_service_window', () => send(text('+16505559999')), 422],
    ['template_not_found', () => send(template('no_such_template', [])), 422],
    ['template_not_approved', () => send(template('old_promo', [])), 422],
    ['template_parameter_mismatch', () => send(template('order_update', ['Ana'])), 422],
  ];
  for (const [code, request, status] of cases) {
    it(`refuses with ${code} and a sentence a marketer understands`, async () => {
      const response = await request();
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message.length).toBeGreaterThan(30);
    });
  }

  it('refuses a marketing template to someone who opted out, but not a utility one', async () => {
    await t.api.context.contacts.optOut(
      ACTIVE,
      { waId: '16505557777', userId: null },
      { at: 1, reason: 'keyword' },
    );
    const marketing = await send(template('spring_sale', ['20%'], '+16505557777'));
    expect(marketing.status).toBe(422);
    expect(marketing.body.error.code).toBe('recipient_opted_out');
    const utility = await send(template('order_update', ['Ana', '42'], '+16505557777'));
    expect(utility.status).toBe(202);
  });

  it('sends templates outside the window, and nothing reaches the queue when refused', async () => {
    const before = await lanes.outboxLength(ACTIVE);
    expect((await send(text('+16505558888'))).status).toBe(422);
    expect(await lanes.outboxLength(ACTIVE)).toBe(before);
    expect((await send(template('order_update', ['Ana', '42'], '+16505558888'))).status).toBe(202);
    expect(await lanes.outboxLength(ACTIVE)).toBe(before + 1);
  });
});

describe('POST /v1/numbers/{id}/messages: accepted', () => {
  it('answers 202 with our id, queues it in the number lane, and shows it as queued', async () => {
    const response = await send(text());
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      messages: [{ id: expect.stringMatching(/^msg_/) }],
      status: 'queued',
      contacts: [{ input: CUSTOMER, wa_id: '16505551234' }],
    });
    const id = response.body.messages[0].id;
    const outbox = await t.api.context.redis.lrange(t.api.context.keys.numberOutbox(ACTIVE), 0, -1);
    expect(outbox.at(-1)).toBe(id);
    expect(await lanes.dueAt(ACTIVE)).not.toBeNull();

    const view = await t.call(apiKey, 'GET', `/v1/messages/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id,
      phone_number_id: ACTIVE,
      to: CUSTOMER,
      type: 'text',
      status: 'queued',
      wamid: null,
      error: null,
      attempts: 0,
    });
    expect(Date.parse(view.body.timeline.queued)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps the template, its language and category on the message', async () => {
    const response = await send(template('order_update', ['Ana', '42']));
    const view = await t.call(apiKey, 'GET', `/v1/messages/${response.body.messages[0].id}`);
    expect(view.body.template).toEqual({ name: 'order_update', language: 'en_US', category: 'UTILITY' });
  });
});

describe('Idempotency-Key', () => {
  it('returns the first answer to a retry, and queues one message', async () => {
    const before = await lanes.outboxLength(ACTIVE);
    const first = await send(text(), { idempotencyKey: 'order-42-shipped' });
    const retry = await send(text(), { idempotencyKey: 'order-42-shipped' });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await lanes.outboxLength(ACTIVE)).toBe(before + 1);
  });

  it('treats concurrent retries as one request', async () => {
    const before = await lanes.outboxLength(ACTIVE);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => send(text(), { idempotencyKey: 'burst-1' })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((a) => a.body.messages[0].id)).size).toBe(1);
    for (const other of answers.filter((a) => a.status !== 202)) {
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_key_in_use');
    }
    expect(await lanes.outboxLength(ACTIVE)).toBe(before + 1);
  });

  it('answers 422 idempotency_key_reused for a different body with the same key', async () => {
    await send(text(), { idempotencyKey: 'reuse-me' });
    const other = await send(text(CUSTOMER, 'something else'), { idempotencyKey: 'reuse-me' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('replays a refusal, and frees the key after a 400', async () => {
    const refused = await send(text('+16505550000'), { idempotencyKey: 'refused-once' });
    const again = await send(text('+16505550000'), { idempotencyKey: 'refused-once' });
    expect(refused.status).toBe(422);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(refused.body);

    const invalid = await send(
      { messaging_product: 'whatsapp', type: 'text' },
      { idempotencyKey: 'fix-and-retry' },
    );
    expect(invalid.status).toBe(400);
    const fixed = await send(text(), { idempotencyKey: 'fix-and-retry' });
    expect(fixed.status).toBe(202);
  });

  it('is scoped per account', async () => {
    await t.bindNumber((await t.createAccount('Third')).accountId, {
      phoneNumberId: '106540352242925',
      displayPhoneNumber: '15550783885',
    });
    const mine = await send(text(), { idempotencyKey: 'same-key-two-accounts' });
    expect(mine.status).toBe(202);
    // the other account has no such number: its own key space, and a 404 for our number
    const theirs = await send(text(), { key: otherKey, idempotencyKey: 'same-key-two-accounts' });
    expect(theirs.status).toBe(404);
  });
});

describe('ownership', () => {
  it("answers 404 for another account's number and message", async () => {
    const response = await send(text(), { key: otherKey });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
    const mine = await send(text());
    const theirs = await t.call(otherKey, 'GET', `/v1/messages/${mine.body.messages[0].id}`);
    expect(theirs.status).toBe(404);
    expect((await t.call(apiKey, 'GET', '/v1/messages/msg_nope')).status).toBe(404);
  });

  it('refuses a read receipt from a number that is not active', async () => {
    const response = await send(
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' },
      { number: '106540352242923' },
    );
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('number_not_active');
    const invalid = await send({ messaging_product: 'whatsapp', status: 'read' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.fields[0].field).toBe('message_id');
  });
});
