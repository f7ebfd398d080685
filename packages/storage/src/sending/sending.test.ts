import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, Keys } from '../redis.js';
import { ContactStateStore } from '../stores/contact-state.js';
import type { NumberRecord } from '../stores/numbers.js';
import { TemplateStore } from '../stores/templates.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../testing.js';
import { SendBackoff } from './backoff.js';
import { IdempotencyStore, requestFingerprint } from './idempotency.js';
import { recipientContact, recipientKey, SendStateReader } from './send-state.js';

const prefix = uniquePrefix('sending');
const keys = new Keys(prefix);
const redis = createRedis(TEST_REDIS_URL);
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('IdempotencyStore', () => {
  const store = new IdempotencyStore(redis, keys);

  it('lets the first request through, then replays its answer to the same request', async () => {
    const print = requestFingerprint('n1', { a: 1, b: [1, 2] });
    expect(await store.begin('acc_1', 'key-1', print)).toEqual({ state: 'new' });
    expect(await store.begin('acc_1', 'key-1', print)).toEqual({ state: 'in_progress', sameRequest: true });
    await store.finish('acc_1', 'key-1', print, { status: 202, body: { id: 'msg_1' } });
    expect(await store.begin('acc_1', 'key-1', print)).toEqual({
      state: 'done',
      sameRequest: true,
      answer: { status: 202, body: { id: 'msg_1' } },
    });
    const other = requestFingerprint('n1', { a: 2 });
    expect(await store.begin('acc_1', 'key-1', other)).toMatchObject({ state: 'done', sameRequest: false });
  });

  it('scopes keys per account and frees abandoned keys', async () => {
    const print = requestFingerprint('x');
    expect((await store.begin('acc_2', 'shared', print)).state).toBe('new');
    expect((await store.begin('acc_3', 'shared', print)).state).toBe('new');
    await store.abandon('acc_2', 'shared');
    expect((await store.begin('acc_2', 'shared', print)).state).toBe('new');
  });

  it('fingerprints JSON regardless of key order', () => {
    expect(requestFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(
      requestFingerprint({ b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: 2 }));
  });
});

describe('SendBackoff', () => {
  const backoff = new SendBackoff(redis, keys);

  it('rests a pair 4^X seconds, growing with each 131056, until cleared', async () => {
    const now = 1_000_000;
    expect((await backoff.read('n1', '155500001')).pair).toBeNull();
    const first = await backoff.pairRefused('n1', '155500001', null, now);
    expect(first).toEqual({ strikes: 1, until: now + 1000 });
    const second = await backoff.pairRefused('n1', '155500001', first, now);
    expect(second).toEqual({ strikes: 2, until: now + 4000 });
    expect((await backoff.read('n1', '155500001')).pair).toEqual(second);
    // another recipient is not affected
    expect((await backoff.read('n1', '155500002')).pair).toBeNull();
    await backoff.pairCleared('n1', '155500001');
    expect((await backoff.read('n1', '155500001')).pair).toBeNull();
  });

  it('doubles the number pause with consecutive 130429, and forgets after a success', async () => {
    expect((await backoff.throttled('n2')).pauseMs).toBe(1000);
    expect((await backoff.throttled('n2')).pauseMs).toBe(2000);
    expect((await backoff.read('n2', 'x')).throttleStrikes).toBe(2);
    await backoff.throttleCleared('n2');
    expect((await backoff.throttled('n2')).pauseMs).toBe(1000);
  });
});

describe('SendStateReader', () => {
  const reader = new SendStateReader(redis, keys);
  const contacts = new ContactStateStore(redis, keys);
  const templates = new TemplateStore(redis, keys);
  const number: Pick<NumberRecord, 'phoneNumberId' | 'status' | 'timezone' | 'wabaId'> = {
    phoneNumberId: '106540352242922',
    status: 'active',
    timezone: 'America/Sao_Paulo',
    wabaId: '102290129340398',
  };
  const text = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '+1 555 000 1234',
    type: 'text',
    text: { body: 'hi' },
  } as const;
  const template = (status: string) => ({
    id: '1',
    name: 'order_update',
    language: 'en_US',
    status,
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hello {{1}}' }],
  });
  const templateBody = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '15550001234',
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
    },
  } as const;

  it('keys recipients by phone digits or BSUID', () => {
    expect(recipientKey('+55 (11) 98765-4321')).toBe('5511987654321');
    expect(recipientKey('US.13491208655302741918')).toBe('US.13491208655302741918');
    expect(recipientContact('US.13491208655302741918')).toEqual({
      waId: null,
      userId: 'US.13491208655302741918',
    });
  });

  it('reads the window as of now: open after a live message, closed 24 h later', async () => {
    const now = Date.now();
    expect((await reader.check(number, text as never, text, now)).ok).toBe(false);
    await contacts.recordInbound(number.phoneNumberId, { waId: '15550001234', userId: null }, now - 1000);
    expect((await reader.check(number, text as never, text, now)).ok).toBe(true);
    const later = await reader.check(number, text as never, text, now + 24 * 3600_000);
    expect(later.ok || later.refusal.code).toBe('outside_service_window');
  });

  it('follows a template paused after the message was accepted, and an opt-out', async () => {
    await templates.replaceAll(number.wabaId, [template('APPROVED') as never]);
    expect((await reader.check(number, templateBody as never, templateBody)).ok).toBe(true);
    await templates.setStatus(number.wabaId, { name: 'order_update', language: 'en_US', status: 'PAUSED' });
    const paused = await reader.check(number, templateBody as never, templateBody);
    expect(paused.ok || paused.refusal.code).toBe('template_not_approved');
    await templates.setStatus(number.wabaId, { name: 'order_update', language: 'en_US', status: 'APPROVED' });
    await contacts.optOut(
      number.phoneNumberId,
      { waId: '15550001234', userId: null },
      { at: 1, reason: 'keyword' },
    );
    const optedOut = await reader.check(number, templateBody as never, templateBody);
    expect(optedOut.ok || optedOut.refusal.code).toBe('recipient_opted_out');
  });

  it('names the languages a template has when the asked one is missing', async () => {
    const body = { ...templateBody, template: { ...templateBody.template, language: { code: 'pt_BR' } } };
    const result = await reader.check(number, body as never, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.code).toBe('template_not_found');
      expect(result.refusal.details).toMatchObject({ available_languages: ['en_US'] });
    }
  });

  it('refuses a number that is no longer active', async () => {
    const result = await reader.check({ ...number, status: 'removed' }, text as never, text);
    expect(result.ok || result.refusal.code).toBe('number_not_active');
  });
});

describe('MessageStore.beginAttempt', () => {
  it('marks the attempt and moves queued → sending once, in one call', async () => {
    const { MessageStore } = await import('../stores/messages.js');
    const messages = new MessageStore(redis, keys);
    const id = MessageStore.newId();
    await messages.create({
      id,
      accountId: 'acc',
      phoneNumberId: '1',
      to: '+1555',
      recipient: '1555',
      type: 'text',
      templateName: null,
      templateLanguage: null,
      templateCategory: null,
      body: '{}',
      createdAt: 1,
    });
    expect(await messages.beginAttempt(id, 1, 10)).toBe(true);
    expect(await messages.beginAttempt(id, 1, 11)).toBe(false);
    const message = await messages.get(id);
    expect(message).toMatchObject({ status: 'sending', attempts: 1, updatedAt: 10 });
    await messages.transition(id, 'queued', { expected: 'sending' });
    expect(await messages.beginAttempt(id, 2)).toBe(true);
    expect((await messages.get(id))?.attempts).toBe(2);
  });
});
