import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COEXISTENCE_FEATURE_BY_ID, type CoexistenceFeatureId } from './features.js';
import { checkCoexistenceSupport, findUnsupportedRequests } from './support.js';

const PAYLOADS = new URL('../../../../fixtures/meta/payloads/', import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, PAYLOADS), 'utf8')) as Record<string, unknown>;

const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234' };
const text = { ...envelope, type: 'text', text: { body: 'Hello' } };

function refusalOf(body: unknown) {
  const result = checkCoexistenceSupport(body);
  if (result.ok) throw new Error(`expected a refusal for ${JSON.stringify(body)}`);
  return result.refusal;
}

describe('what coexistence numbers can send', () => {
  const fixtures = readdirSync(PAYLOADS).filter(
    (name) => name.startsWith('send-') && name.endsWith('-request.json'),
  );

  it.each(fixtures)('%s passes', (name) => {
    expect(checkCoexistenceSupport(fixture(name))).toEqual({ ok: true, value: true });
  });

  it.each([
    [
      'a fixed location',
      { ...envelope, type: 'location', location: { latitude: 1, longitude: 2, name: 'HQ' } },
    ],
    ['contacts', { ...envelope, type: 'contacts', contacts: [{ name: { formatted_name: 'Pablo' } }] }],
    [
      'a list',
      {
        ...envelope,
        type: 'interactive',
        interactive: { type: 'list', body: { text: 'x' }, action: { button: 'b', sections: [] } },
      },
    ],
    ['a CTA URL', { ...envelope, type: 'interactive', interactive: { type: 'cta_url' } }],
    ['a flow', { ...envelope, type: 'interactive', interactive: { type: 'flow' } }],
    ['a video', { ...envelope, type: 'video', video: { id: '1', view_once: false } }],
    ['a reaction removal', { ...envelope, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } }],
    ['a read receipt', { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' }],
    ['a text carrying an unused view-once image', { ...text, image: { id: '1', view_once: true } }],
    [
      'a text mentioning groups',
      { ...envelope, type: 'text', text: { body: 'Join our group, broadcast, channel!' } },
    ],
  ])('%s passes', (_, body) => {
    expect(checkCoexistenceSupport(body)).toEqual({ ok: true, value: true });
  });

  it('leaves bodies that are not objects to the schema', () => {
    for (const body of [null, 'text', 42, [], [text]]) expect(checkCoexistenceSupport(body).ok).toBe(true);
  });
});

describe('what coexistence numbers cannot send', () => {
  const cases: [string, unknown, CoexistenceFeatureId, string][] = [
    [
      'a group',
      { ...text, recipient_type: 'group', to: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTo' },
      'group_chats',
      'recipient_type',
    ],
    ['a group, in capitals', { ...text, recipient_type: 'GROUP' }, 'group_chats', 'recipient_type'],
    [
      'a Cloud API group id',
      { ...text, to: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD' },
      'group_chats',
      'to',
    ],
    ['a WhatsApp group jid', { ...text, to: '120363041234567890@g.us' }, 'group_chats', 'to'],
    ['a group_id', { ...text, group_id: 'abc' }, 'group_chats', 'group_id'],
    [
      'several recipients at once',
      { ...text, to: ['+16505551234', '+16505551235'] },
      'broadcast_lists',
      'to',
    ],
    ['a broadcast list jid', { ...text, to: '1700000000@broadcast' }, 'broadcast_lists', 'to'],
    [
      'a broadcast recipient type',
      { ...text, recipient_type: 'broadcast' },
      'broadcast_lists',
      'recipient_type',
    ],
    ['a broadcast list id', { ...text, broadcast_list_id: '42' }, 'broadcast_lists', 'broadcast_list_id'],
    [
      'an edit',
      { ...envelope, type: 'edit', edit: { message_id: 'wamid.X', text: { body: 'new' } } },
      'message_edit_recall',
      'type',
    ],
    [
      'a revoke',
      { ...envelope, type: 'revoke', revoke: { message_id: 'wamid.X' } },
      'message_edit_recall',
      'type',
    ],
    [
      'a recall object on a text',
      { ...text, revoke: { message_id: 'wamid.X' } },
      'message_edit_recall',
      'revoke',
    ],
    [
      'a live location',
      { ...envelope, type: 'location', location: { latitude: 1, longitude: 2, live_period: 3600 } },
      'live_location',
      'location.live_period',
    ],
    [
      'a live location type',
      { ...envelope, type: 'live_location', live_location: { latitude: 1 } },
      'live_location',
      'type',
    ],
    [
      'view-once media',
      { ...envelope, type: 'image', image: { id: '1', view_once: true } },
      'view_once_messages',
      'image.view_once',
    ],
    [
      'view-once on the body',
      { ...envelope, type: 'video', video: { id: '1' }, view_once: 'true' },
      'view_once_messages',
      'view_once',
    ],
    ['a disappearing timer', { ...text, ephemeral: 86400 }, 'disappearing_messages', 'ephemeral'],
    [
      'disappearing on the message',
      { ...text, text: { body: 'x', disappearing: true } },
      'disappearing_messages',
      'text.disappearing',
    ],
    ['a call', { ...envelope, type: 'call', call: {} }, 'voice_video_calls', 'type'],
    [
      'a call permission request',
      { ...envelope, type: 'interactive', interactive: { type: 'call_permission_request', action: {} } },
      'voice_video_calls',
      'interactive.type',
    ],
    [
      'a product',
      { ...envelope, type: 'interactive', interactive: { type: 'product' } },
      'business_tools',
      'interactive.type',
    ],
    [
      'a product list',
      { ...envelope, type: 'interactive', interactive: { type: 'product_list' } },
      'business_tools',
      'interactive.type',
    ],
    [
      'a catalog message',
      { ...envelope, type: 'interactive', interactive: { type: 'catalog_message' } },
      'business_tools',
      'interactive.type',
    ],
    [
      'an order',
      { ...envelope, type: 'interactive', interactive: { type: 'order_details' } },
      'business_tools',
      'interactive.type',
    ],
    [
      'a catalog template button',
      {
        ...envelope,
        type: 'template',
        template: {
          name: 'intro_catalog_offer',
          language: { code: 'en_US' },
          components: [
            { type: 'body', parameters: [] },
            { type: 'button', sub_type: 'CATALOG', index: 0 },
          ],
        },
      },
      'business_tools',
      'template.components[1].sub_type',
    ],
    ['a status update', { ...text, to: 'status@broadcast' }, 'business_tools', 'to'],
    ['a channel', { ...text, recipient_type: 'channel' }, 'channels', 'recipient_type'],
    ['a newsletter', { ...text, recipient_type: 'newsletter' }, 'channels', 'recipient_type'],
    ['a channel jid', { ...text, to: '120363000000000000@newsletter' }, 'channels', 'to'],
  ];

  it.each(cases)('refuses %s', (_, body, feature, field) => {
    const refusal = refusalOf(body);
    expect(refusal.code).toBe('unsupported_on_coexistence');
    expect(refusal.details?.unsupported).toContainEqual(expect.objectContaining({ feature, field }));
    expect(refusal.message).toContain(field);
    expect(COEXISTENCE_FEATURE_BY_ID[feature].apiSupport).toBe('not_supported');
  });

  it('explains a refusal in a marketer’s words', () => {
    expect(refusalOf({ ...text, recipient_type: 'group' }).message).toBe(
      'This number is also used in the WhatsApp Business app, so through the API it cannot send to WhatsApp groups (recipient_type is "group").',
    );
    expect(refusalOf({ ...text, to: ['+16505551234', '+16505551235'] }).message).toBe(
      'This number is also used in the WhatsApp Business app, so through the API it cannot send to broadcast lists or several recipients in one request (to is a list of 2); send one request per recipient instead.',
    );
  });

  it('names every unsupported request at once', () => {
    const body = { ...envelope, recipient_type: 'group', type: 'image', image: { id: '1', view_once: true } };
    expect(findUnsupportedRequests(body)).toEqual([
      { feature: 'group_chats', field: 'recipient_type', found: '"group"' },
      { feature: 'view_once_messages', field: 'image.view_once', found: 'true' },
    ]);
    expect(refusalOf(body).message).toMatch(/WhatsApp groups.*; it cannot send view-once media/);
  });

  it('ignores switches that are turned off', () => {
    for (const off of [false, null, 0, '']) {
      expect(checkCoexistenceSupport({ ...text, ephemeral: off, view_once: off, group_id: off }).ok).toBe(
        true,
      );
    }
  });

  it('reads only the body’s own fields', () => {
    const body = JSON.parse(
      '{"messaging_product":"whatsapp","to":"+16505551234","type":"text","text":{"body":"x"},"__proto__":{"recipient_type":"group"}}',
    );
    expect(checkCoexistenceSupport(body).ok).toBe(true);
  });
});

describe('robustness', () => {
  it('never throws on any JSON, and every refusal names a known feature and a field', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (body) => {
        const result = checkCoexistenceSupport(body);
        if (!result.ok) {
          const unsupported = result.refusal.details?.unsupported as {
            feature: CoexistenceFeatureId;
            field: string;
          }[];
          expect(unsupported.length).toBeGreaterThan(0);
          for (const u of unsupported) {
            expect(COEXISTENCE_FEATURE_BY_ID[u.feature]).toBeDefined();
            expect(u.field).not.toBe('');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a group recipient whatever else the body says', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (rest) => {
        const result = checkCoexistenceSupport({ ...rest, recipient_type: 'group' });
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.refusal.details?.unsupported).toContainEqual(
            expect.objectContaining({ feature: 'group_chats' }),
          );
      }),
    );
  });

  it('lets an ordinary text through whatever harmless fields are added', () => {
    const reserved = new Set([
      'recipient_type',
      'to',
      'type',
      'text',
      'group_id',
      'broadcast',
      'broadcast_list',
      'broadcast_list_id',
      'broadcast_id',
      'recipients',
      'channel',
      'channel_id',
      'newsletter',
      'newsletter_id',
      'edit',
      'revoke',
      'recall',
      'live_location',
      'view_once',
      'ephemeral',
      'ephemeral_expiration',
      'disappearing',
      'disappearing_messages',
    ]);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((key) => !reserved.has(key)),
          fc.jsonValue(),
        ),
        (extra) => {
          expect(checkCoexistenceSupport({ ...extra, ...text }).ok).toBe(true);
        },
      ),
    );
  });
});
