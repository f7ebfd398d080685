/**
 * Every webhook the sandbox sends, received by a local endpoint: signed with the app secret
 * over the exact bytes, JSON, in Meta's envelope, and read by @coexist/core's normaliser with
 * no invalid or unknown part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseWebhook } from './helpers/normalise.js';
import type { ReceivedWebhook } from './helpers/receiver.js';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

let t: TestSandbox;
let b: Awaited<ReturnType<typeof onboarded>>;
let otherWaba: string;

async function control(path: string, body: unknown = {}): Promise<any> {
  const response = await fetch(`${t.sandbox.url}/__sandbox${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status, path).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  t = await startTestSandbox({ readFraction: 1 });
  b = await onboarded(t, { history: { days: 30, messages_per_day: 6 }, contacts: 12 });

  // Everything the phone and Meta can send, once each.
  await t.client.requestSync(b.token, b.phoneNumberId, 'smb_app_state_sync');
  await t.client.requestSync(b.token, b.phoneNumberId, 'history');
  const { wamid } = await control(`/numbers/${b.phoneNumberId}/inbound`, {
    from: '+16505551234',
    text: 'Hello!',
  });
  await control(`/numbers/${b.phoneNumberId}/inbound`, {
    from: '+16505551234',
    type: 'image',
    text: 'a photo',
  });
  await control(`/numbers/${b.phoneNumberId}/inbound`, {
    from: '+16505551234',
    type: 'reaction',
    context_id: wamid,
  });
  await control(`/numbers/${b.phoneNumberId}/inbound`, {
    from: '+16505551234',
    type: 'interactive',
    context_id: wamid,
  });
  await control(`/numbers/${b.phoneNumberId}/inbound`, {
    from: '+16505551234',
    type: 'button',
    text: 'Track order',
  });
  await control(`/numbers/${b.phoneNumberId}/inbound`, { from: '+16505551234', type: 'location' });
  await control(`/numbers/${b.phoneNumberId}/inbound`, { from: '+16505551234', type: 'audio' });
  await control(`/numbers/${b.phoneNumberId}/echo`, { to: '+16505551234', text: 'Sent from the app' });
  await control(`/numbers/${b.phoneNumberId}/unavailable`, {
    from: '+16505551299',
    text: 'the real one',
    deliver_after_ms: 10,
  });
  await control(`/numbers/${b.phoneNumberId}/contacts`, {
    action: 'add',
    phone_number: '+16505557777',
    full_name: 'New Person',
  });
  await control(`/numbers/${b.phoneNumberId}/contacts`, { action: 'remove', phone_number: '+16505557777' });
  await t.client.sendMessage(
    b.token,
    b.phoneNumberId,
    { to: '+16505551234', type: 'text', text: { body: 'Hi!' } },
    {
      bizOpaqueCallbackData: 'our-message-1',
    },
  );
  await control(`/wabas/${b.wabaId}/templates/hello_world/status`, { status: 'PAUSED' });
  await control(`/wabas/${b.wabaId}/templates/hello_world/status`, { status: 'APPROVED' });
  const other = await onboarded(t, { history: { days: 1, messages_per_day: 1 }, contacts: 1 });
  otherWaba = other.wabaId;
  await control(`/numbers/${other.phoneNumberId}/offboard`);
  await control(`/numbers/${other.phoneNumberId}/reconnect`);
  expect(await t.sandbox.idle(15_000)).toBe(true);
  // Unlinking last: afterwards nothing reaches the platform any more.
  await control(`/numbers/${b.phoneNumberId}/unlink`, {
    reason: 'ACCOUNT_DISCONNECTED',
    initiated_by: 'USER',
  });
  expect(await t.sandbox.idle(15_000)).toBe(true);
});

afterAll(async () => {
  await t.close();
});

function fieldsOf(webhook: ReceivedWebhook): string[] {
  return webhook.body.entry.flatMap((entry) => entry.changes.map((change) => change.field));
}

describe('every webhook', () => {
  it('is signed with the app secret over the exact body, as JSON, in the envelope', () => {
    expect(t.receiver.received.length).toBeGreaterThan(10);
    for (const webhook of t.receiver.received) {
      expect(webhook.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(webhook.signatureValid).toBe(true);
      expect(webhook.contentType).toBe('application/json');
      expect(webhook.body.object).toBe('whatsapp_business_account');
      expect(webhook.body.entry).toHaveLength(1);
      expect([b.wabaId, otherWaba]).toContain(webhook.body.entry[0]!.id);
    }
  });

  it('is read by the normaliser with no invalid or unknown part', () => {
    for (const webhook of t.receiver.received) {
      const result = normaliseWebhook(webhook.body);
      expect(result.invalid, `${fieldsOf(webhook).join(',')}: ${webhook.raw.slice(0, 300)}`).toEqual([]);
      expect(result.unknown).toEqual([]);
    }
  });

  it('covers every field the sandbox sends', () => {
    const fields = new Set(t.receiver.received.flatMap(fieldsOf));
    expect([...fields].sort()).toEqual(
      [
        'account_update',
        'history',
        'message_template_status_update',
        'messages',
        'smb_app_state_sync',
        'smb_message_echoes',
      ].sort(),
    );
  });
});

describe('by kind', () => {
  const all = () => t.receiver.received.map((webhook) => normaliseWebhook(webhook.body));

  it("contacts: the phone's contacts, then later adds and removes", async () => {
    const truth = await fetch(`${t.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}`).then(
      (r) => r.json() as Promise<any>,
    );
    const contacts = all().flatMap((r) => r.contacts.filter((c) => c.origin === 'state_sync'));
    const added = contacts.filter((c) => c.action === 'add');
    expect(added.length).toBe(12 + 1);
    expect(added.every((c) => c.name && c.firstName)).toBe(true);
    const removed = contacts.filter((c) => c.action === 'remove');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ name: null, contact: { waId: '16505557777' } });
    expect(truth.contacts).toBe(12);
  });

  it('live inbound messages come with the sender profile', () => {
    const live = all().flatMap((r) => r.messages.filter((m) => m.source === 'live'));
    expect(new Set(live.map((m) => m.type))).toEqual(
      new Set(['text', 'image', 'reaction', 'interactive', 'button', 'location', 'audio', 'unsupported']),
    );
    const profiles = all().flatMap((r) => r.contacts.filter((c) => c.origin === 'message'));
    expect(profiles.length).toBeGreaterThanOrEqual(live.length);
    expect(profiles.every((p) => p.name)).toBe(true);
  });

  it('131060 comes as a placeholder with an alert, then the real message under the same wamid', () => {
    const results = all();
    const alert = results.flatMap((r) => r.alerts).find((a) => a.code === 'message_unavailable');
    expect(alert?.metaCode).toBe(131060);
    const later = results.flatMap((r) => r.messages).filter((m) => m.wamid === alert?.wamid);
    expect(later.map((m) => m.isPlaceholder)).toEqual([true, false]);
    expect(later[1]?.text).toBe('the real one');
  });

  it('echoes are outbound messages from the app', () => {
    const echoes = all().flatMap((r) => r.messages.filter((m) => m.source === 'echo'));
    expect(echoes).toHaveLength(1);
    expect(echoes[0]).toMatchObject({
      direction: 'outbound',
      text: 'Sent from the app',
      contact: { waId: '16505551234' },
    });
  });

  it('statuses go sent → delivered → read with pricing and our callback data', () => {
    const statuses = all().flatMap((r) => r.statuses);
    expect(statuses.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const status of statuses) expect(status.bizOpaqueCallbackData).toBe('our-message-1');
    expect(statuses.find((s) => s.status === 'sent')).toMatchObject({
      pricingCategory: 'service',
      pricingType: 'free_customer_service',
      billable: false,
    });
  });

  it('template status changes come as message_template_status_update', () => {
    const changes = all().flatMap((r) => r.templateStatuses);
    expect(changes.map((c) => [c.name, c.language, c.status])).toEqual([
      ['hello_world', 'en_US', 'PAUSED'],
      ['hello_world', 'en_US', 'APPROVED'],
    ]);
    const paused = t.receiver.changes('message_template_status_update')[0]!;
    expect(typeof paused.value.message_template_id).toBe('number');
    expect(paused.webhook.body.entry[0]!.time).toEqual(expect.any(Number));
  });

  it('offboarding and reconnecting send ACCOUNT_OFFBOARDED and ACCOUNT_RECONNECTED', () => {
    const events = all()
      .flatMap((r) => r.accountEvents)
      .filter((e) => e.wabaId === otherWaba);
    expect(events.map((e) => e.event)).toEqual(['ACCOUNT_OFFBOARDED', 'ACCOUNT_RECONNECTED']);
  });

  it('unlinking sends PARTNER_REMOVED for the number', () => {
    const events = all()
      .flatMap((r) => r.accountEvents)
      .filter((e) => e.wabaId === b.wabaId);
    expect(events).toEqual([
      expect.objectContaining({
        event: 'PARTNER_REMOVED',
        wabaId: b.wabaId,
        phoneNumber: b.digits,
        reason: 'ACCOUNT_DISCONNECTED',
        initiatedBy: 'USER',
      }),
    ]);
    expect(
      all()
        .flatMap((r) => r.alerts)
        .some((a) => a.code === 'partner_removed'),
    ).toBe(true);
  });
});
