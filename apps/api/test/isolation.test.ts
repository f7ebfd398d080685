import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startTestApi, type TestApi } from './harness.js';

/**
 * Tenant isolation: every endpoint, called with another account's ids, answers 404 and shows
 * nothing of the owner's data — and the owner still sees it all.
 */
let t: TestApi;
let owner: { accountId: string; apiKey: string };
let other: { accountId: string; apiKey: string };
let bindingId = '';
let messageId = '';
const NUMBER = '106540352242922';
const WABA = '102290129340398';

beforeAll(async () => {
  t = await startTestApi();
  owner = await t.createAccount('Owner');
  other = await t.createAccount('Other');
  const number = await t.bindNumber(owner.accountId);
  bindingId = number.bindingId;
  await t.postWebhook(fixture('webhook-messages-text.json'));
  await t.drain();
  const { MessageStore } = await import('@coexist/storage');
  messageId = MessageStore.newId();
  await t.api.context.messages.create({
    id: messageId,
    accountId: owner.accountId,
    phoneNumberId: NUMBER,
    to: '+16505551234',
    recipient: '16505551234',
    type: 'text',
    templateName: null,
    templateLanguage: null,
    templateCategory: null,
    body: '{"secret":"owner data"}',
    createdAt: Date.now(),
  });
});
afterAll(() => t.close());

const REQUESTS: Array<[method: string, path: () => string, body?: unknown]> = [
  ['GET', () => `/v1/bindings/${bindingId}`],
  [
    'POST',
    () => `/v1/bindings/${bindingId}/signup`,
    { code: 'x'.repeat(20), waba_id: WABA, share_history: true },
  ],
  ['POST', () => `/v1/bindings/${bindingId}/confirm`, { timezone: 'Europe/Madrid' }],
  ['POST', () => `/v1/bindings/${bindingId}/finish`],
  ['GET', () => `/v1/numbers/${NUMBER}`],
  ['GET', () => `/v1/numbers/${NUMBER}/compatibility`],
  ['POST', () => `/v1/numbers/${NUMBER}/deregister`],
  ['DELETE', () => `/v1/numbers/${NUMBER}`],
  ['GET', () => `/v1/numbers/${NUMBER}/contacts`],
  ['GET', () => `/v1/numbers/${NUMBER}/contacts/16505551234`],
  ...[
    'volume',
    'heatmap',
    'conversations',
    'conversations.csv',
    'response-times',
    'contacts',
    'sources',
    'templates',
    'history',
  ].map((report) => ['GET', () => `/v1/numbers/${NUMBER}/analytics/${report}`] as [string, () => string]),
  [
    'POST',
    () => `/v1/numbers/${NUMBER}/messages`,
    { messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'hi' } },
  ],
  ['GET', () => `/v1/messages/${messageId}`],
  ['GET', () => `/v1/templates?waba_id=${WABA}`],
  ['POST', () => '/v1/templates/sync', { waba_id: WABA }],
];

describe('tenant isolation', () => {
  it.each(
    REQUESTS.map(([method, path, body]) => ({
      method,
      path,
      body,
      name: `${method} ${path.toString().match(/`(.*)`|'(.*)'/)?.[0] ?? ''}`,
    })),
  )('another account gets 404 and none of the owner’s data: $name', async ({ method, path, body }) => {
    const response = await t.call(other.apiKey, method, path(), body);
    expect(response.status, `${method} ${path()}`).toBe(404);
    const text = JSON.stringify(response.body);
    for (const leak of ['owner data', owner.accountId, 'wamid.', '16505551234', 'Sheena']) {
      expect(text.includes(leak), `${method} ${path()} leaks ${leak}`).toBe(false);
    }
  });

  it('lists show the other account nothing', async () => {
    for (const path of ['/v1/numbers', '/v1/bindings', '/v1/templates']) {
      const response = await t.call(other.apiKey, 'GET', path);
      expect(response.status, path).toBe(200);
      expect(response.body.data, path).toEqual([]);
    }
  });

  it('and the owner still sees its own', async () => {
    expect((await t.call(owner.apiKey, 'GET', `/v1/numbers/${NUMBER}`)).status).toBe(200);
    expect((await t.call(owner.apiKey, 'GET', `/v1/messages/${messageId}`)).status).toBe(200);
    expect((await t.call(owner.apiKey, 'GET', `/v1/bindings/${bindingId}`)).status).toBe(200);
    const volume = await t.call(
      owner.apiKey,
      'GET',
      `/v1/numbers/${NUMBER}/analytics/volume?from=2025-06-01&to=2025-06-30`,
    );
    expect(volume.body.totals.messages).toBe(1);
  });
});

describe('secrets at rest', () => {
  it('keeps no plaintext Meta token or API key in Redis or ClickHouse', async () => {
    const token = 'EAAtest';
    const redis = t.api.context.redis;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${t.prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(5);
    let dump = '';
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump += await redis.get(key);
      else if (type === 'hash') dump += JSON.stringify(await redis.hgetall(key));
      else if (type === 'set') dump += JSON.stringify(await redis.smembers(key));
      else if (type === 'zset') dump += JSON.stringify(await redis.zrange(key, '0', '-1'));
      else if (type === 'list') dump += JSON.stringify(await redis.lrange(key, 0, -1));
    }
    expect(dump).toContain('v1.'); // the sealed token is there…
    expect(dump.includes(`"${token}"`) || dump.includes(`${token}"`)).toBe(false); // …not the token
    expect(dump.includes(owner.apiKey)).toBe(false);
    expect(dump.includes(other.apiKey)).toBe(false);
    const warehouse = t.api.context.warehouse;
    for (const table of ['messages', 'raw_webhooks', 'audit_events', 'contacts', 'statuses']) {
      const rows = await warehouse.raw(`SELECT * FROM ${warehouse.table(table)}`);
      const text = JSON.stringify(rows);
      expect(text.includes(owner.apiKey), table).toBe(false);
      expect(text.includes(token), table).toBe(false);
    }
  });
});
