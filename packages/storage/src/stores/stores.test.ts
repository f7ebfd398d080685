import { SERVICE_WINDOW_MS } from '@coexist/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, Keys } from '../redis.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../testing.js';
import { AlertStore } from './alerts.js';
import { ContactStateStore } from './contact-state.js';
import { MessageStore } from './messages.js';
import { CONTACTS_QUIET_MS, SyncStore } from './sync.js';
import { TemplateStore } from './templates.js';

const prefix = uniquePrefix('stores');
const keys = new Keys(prefix);
const redis = createRedis(TEST_REDIS_URL);
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

let serial = 0;
const number = () => `10654035224${String(++serial).padStart(4, '0')}`;

describe('SyncStore', () => {
  const sync = new SyncStore(redis, keys);

  it('counts each history chunk once, whatever the order, and completes at progress 100', async () => {
    const id = number();
    await sync.markRequested(id, 'history', 'req-1', 1000);
    const chunks = [
      { phase: 1, chunkOrder: 2, progress: 60, messages: 10 },
      { phase: 0, chunkOrder: 1, progress: 20, messages: 5 },
      { phase: 2, chunkOrder: 3, progress: 100, messages: 7 },
      { phase: 1, chunkOrder: 2, progress: 60, messages: 10 }, // a replay
    ];
    const results = [];
    for (const chunk of chunks) results.push(await sync.historyChunk(id, chunk, 2000));
    expect(results.map((r) => r.isNew)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.completed)).toEqual([false, false, true, false]);
    const state = (await sync.get(id)).history;
    expect(state).toMatchObject({
      state: 'completed',
      progress: 100,
      phase: 2,
      chunksReceived: 3,
      messagesReceived: 22,
      requestId: 'req-1',
      attempts: 1,
      startedAt: 2000,
      finishedAt: 2000,
    });
  });

  it('never moves progress back, and a late request answer does not undo received chunks', async () => {
    const id = number();
    await sync.historyChunk(id, { phase: 1, chunkOrder: 4, progress: 80, messages: 1 });
    await sync.historyChunk(id, { phase: 0, chunkOrder: 1, progress: 10, messages: 1 });
    await sync.markRequested(id, 'history', 'req-late');
    const state = (await sync.get(id)).history;
    expect(state.progress).toBe(80);
    expect(state.state).toBe('receiving');
  });

  it('marks history declined, and contacts done once history starts or after a quiet spell', async () => {
    const id = number();
    await sync.markRequested(id, 'contacts', 'req-c', 0);
    await sync.contactsReceived(id, 3, 1000);
    expect((await sync.get(id, 1000 + CONTACTS_QUIET_MS - 1)).contacts).toMatchObject({
      state: 'receiving',
      received: 3,
    });
    expect((await sync.get(id, 1000 + CONTACTS_QUIET_MS)).contacts.state).toBe('completed');
    await sync.historyDeclined(id, 2000);
    const both = await sync.get(id, 1001);
    expect(both.contacts.state).toBe('completed');
    expect(both.history.state).toBe('declined');
  });

  it('records a failed request, final or not', async () => {
    const id = number();
    await sync.markRequestFailed(id, 'contacts', { code: 'meta_5xx', message: 'try again' }, false);
    expect((await sync.get(id)).contacts).toMatchObject({ state: 'not_requested', attempts: 1 });
    await sync.markRequestFailed(id, 'contacts', { code: '2593108', message: 'too late' }, true);
    expect((await sync.get(id)).contacts).toMatchObject({
      state: 'failed',
      attempts: 2,
      lastError: { code: '2593108' },
    });
  });
});

describe('ContactStateStore', () => {
  const contacts = new ContactStateStore(redis, keys);
  const user = { waId: '16505551234', userId: 'US.1234' };

  it('keeps the latest live inbound time whatever the arrival order, under phone and BSUID', async () => {
    const id = number();
    await contacts.recordInbound(id, user, 5000);
    await contacts.recordInbound(id, user, 4000);
    expect(await contacts.lastInboundAt(id, { waId: '16505551234', userId: null })).toBe(5000);
    expect(await contacts.lastInboundAt(id, { waId: null, userId: 'US.1234' })).toBe(5000);
    const window = await contacts.window(
      id,
      { waId: '16505551234', userId: null },
      5000 + SERVICE_WINDOW_MS - 1,
    );
    expect(window.open).toBe(true);
    expect((await contacts.window(id, user, 5000 + SERVICE_WINDOW_MS)).open).toBe(false);
    expect((await contacts.window(id, { waId: '19999999999', userId: null }, 5000)).open).toBe(false);
  });

  it('opts a contact out and back in', async () => {
    const id = number();
    await contacts.optOut(id, user, { at: 1, reason: 'keyword' });
    expect(await contacts.optedOut(id, { waId: '16505551234', userId: null })).toEqual({
      at: 1,
      reason: 'keyword',
    });
    expect(await contacts.optOutCount(id)).toBe(1);
    await contacts.optIn(id, user);
    expect(await contacts.optedOut(id, user)).toBeNull();
  });
});

describe('MessageStore', () => {
  const messages = new MessageStore(redis, keys);
  const create = () =>
    messages.create({
      id: MessageStore.newId(),
      accountId: 'acc_1',
      phoneNumberId: '1',
      to: '+16505551234',
      recipient: '16505551234',
      type: 'text',
      templateName: null,
      templateLanguage: null,
      templateCategory: null,
      body: '{}',
      createdAt: 1000,
    });

  it('only moves forward, out-of-order statuses included, and failed is the end', async () => {
    const { id } = await create();
    expect((await messages.transition(id, 'sending', { now: 1100 })).applied).toBe(true);
    expect((await messages.transition(id, 'accepted', { wamid: 'wamid.A', now: 1200 })).applied).toBe(true);
    expect((await messages.transition(id, 'read', { now: 1400 })).applied).toBe(true);
    expect(await messages.transition(id, 'delivered', { now: 1500 })).toEqual({
      applied: false,
      status: 'read',
    });
    const read = await messages.get(id);
    expect(read).toMatchObject({ status: 'read', wamid: 'wamid.A' });
    expect(read?.timeline).toEqual({ queued: 1000, sending: 1100, accepted: 1200, read: 1400 });
    expect(await messages.idForWamid('wamid.A')).toBe(id);
    const error = { code: '131026', message: 'undeliverable', source: 'meta' as const };
    expect((await messages.transition(id, 'failed', { error })).applied).toBe(true);
    expect((await messages.transition(id, 'read')).applied).toBe(false);
    expect((await messages.get(id))?.error).toEqual(error);
  });

  it('moves back only by compare-and-set from the expected state', async () => {
    const { id } = await create();
    await messages.transition(id, 'sending');
    expect((await messages.transition(id, 'queued', { expected: 'accepted' })).applied).toBe(false);
    expect((await messages.transition(id, 'queued', { expected: 'sending' })).applied).toBe(true);
    expect((await messages.get(id))?.status).toBe('queued');
  });

  it('hides a message from another account', async () => {
    const { id } = await create();
    expect(await messages.getForAccount('acc_2', id)).toBeNull();
    expect(await messages.getForAccount('acc_1', id)).not.toBeNull();
    expect(await messages.transition('msg_missing', 'sent')).toEqual({ applied: false, status: null });
  });
});

describe('TemplateStore', () => {
  const templates = new TemplateStore(redis, keys);
  const hello = {
    id: '1',
    name: 'hello_world',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hello World' }],
  };

  it('replaces the cache and applies status webhooks in place', async () => {
    const waba = `waba-${number()}`;
    const { parseTemplateDefinition } = await import('@coexist/core');
    const parsed = parseTemplateDefinition(hello);
    if (!parsed.ok) throw new Error('fixture');
    await templates.replaceAll(waba, [parsed.template], 42);
    expect(await templates.syncedAt(waba)).toBe(42);
    expect(
      await templates.setStatus(waba, { name: 'hello_world', language: 'en_US', status: 'paused' }),
    ).toBe(true);
    expect((await templates.list(waba))[0]?.status).toBe('PAUSED');
    expect(await templates.setStatus(waba, { name: 'new_one', language: 'en_US', status: 'APPROVED' })).toBe(
      false,
    );
  });
});

describe('AlertStore', () => {
  it('counts an alert per kind and keeps its latest messages', async () => {
    const alerts = new AlertStore(redis, keys);
    const id = number();
    await alerts.raise(id, { code: 'message_unavailable', message: 'check the app', wamid: 'w1' }, 10);
    await alerts.raise(id, { code: 'message_unavailable', message: 'check the app', wamid: 'w2' }, 20);
    expect(await alerts.list(id)).toEqual([
      {
        code: 'message_unavailable',
        message: 'check the app',
        count: 2,
        firstAt: 10,
        lastAt: 20,
        wamids: ['w2', 'w1'],
      },
    ]);
  });
});
