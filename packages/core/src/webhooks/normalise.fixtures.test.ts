/**
 * Every webhook body in fixtures/meta/payloads, normalised, checked record by record against
 * the values written in the fixture itself.
 */
import { describe, expect, it } from 'vitest';
import { loadWebhookFixtures } from '../../test/meta-payloads.js';
import { normaliseWebhook } from './normalise.js';
import type { ContactRef, MessageRecord, NormalisedWebhook } from './records.js';
import { KNOWN_FIELDS, VALUE_SCHEMA_BY_FIELD, WebhookEnvelopeSchema } from './schemas.js';

const WABA_ID = '102290129340398';
const PHONE_SCOPE = { wabaId: WABA_ID, phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
const SHEENA: ContactRef = { key: '16505551234', waId: '16505551234', userId: null };

/** A message record with the fields most fixtures leave at their defaults. */
function message(
  fields: Partial<MessageRecord> & Pick<MessageRecord, 'wamid' | 'timestamp' | 'type'>,
): MessageRecord {
  return {
    kind: 'message',
    ...PHONE_SCOPE,
    source: 'live',
    direction: 'inbound',
    contact: SHEENA,
    textLength: 0,
    text: null,
    hasMedia: false,
    media: null,
    isPlaceholder: false,
    contextWamid: null,
    targetWamid: null,
    historyStatus: null,
    history: null,
    errors: [],
    ...fields,
  };
}

function seen(name: string, timestamp: number) {
  return {
    kind: 'contact',
    ...PHONE_SCOPE,
    contact: SHEENA,
    action: 'seen',
    origin: 'message',
    name,
    firstName: null,
    username: null,
    timestamp,
  };
}

function status(fields: Record<string, unknown>) {
  return {
    kind: 'status',
    ...PHONE_SCOPE,
    recipient: SHEENA,
    bizOpaqueCallbackData: null,
    errors: [],
    pricingCategory: null,
    pricingType: null,
    billable: null,
    ...fields,
  };
}

type Expected = Partial<Record<Exclude<keyof NormalisedWebhook, 'invalid' | 'unknown'>, unknown[]>>;

/** What each fixture must turn into; every kind not named here must come out empty. */
const EXPECTED: Record<string, Expected> = {
  'webhook-messages-text.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        timestamp: 1749416383000,
        type: 'text',
        text: 'Does it come in another color?',
        textLength: 30,
      }),
    ],
    contacts: [seen('Sheena Nelson', 1749416383000)],
  },
  'webhook-messages-image.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        timestamp: 1744344496000,
        type: 'image',
        text: 'Taj Mahal',
        textLength: 9,
        hasMedia: true,
        media: {
          id: '1003383421387256',
          mimeType: 'image/jpeg',
          sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
          caption: 'Taj Mahal',
        },
      }),
    ],
    contacts: [seen('Sheena Nelson', 1744344496000)],
  },
  'webhook-messages-interactive-button-reply.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=',
        timestamp: 1714510003000,
        type: 'interactive',
        text: 'Change',
        textLength: 6,
        contextWamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA',
      }),
    ],
    contacts: [seen('Pablo Morales', 1714510003000)],
  },
  'webhook-messages-button-template-quick-reply.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJCVVRUT04wMDAwMDAwMDAwMDEA',
        timestamp: 1739321260000,
        type: 'button',
        text: 'Track order',
        textLength: 11,
        contextWamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJUUExRVUlDSzAwMDAwMDAwMDEA',
      }),
    ],
    contacts: [seen('Sheena Nelson', 1739321260000)],
  },
  'webhook-messages-reaction.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJSRUFDVElPTjAwMDAwMDAwMDEA',
        timestamp: 1739321300000,
        type: 'reaction',
        targetWamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      }),
    ],
    contacts: [seen('Sheena Nelson', 1739321300000)],
  },
  'webhook-messages-edit.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        timestamp: 1749854575000,
        type: 'edit',
        targetWamid: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
        // the edited message is an image: its new caption is the text, and it carries media
        text: 'Updated image caption',
        textLength: 21,
        hasMedia: true,
        media: {
          id: '1234567890',
          mimeType: 'image/jpeg',
          sha256: 'a1b2c3d4e5f6...',
          caption: 'Updated image caption',
        },
      }),
    ],
    contacts: [seen('Sheena Nelson', 1749854575000)],
  },
  'webhook-messages-revoke.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        timestamp: 1749854575000,
        type: 'revoke',
        targetWamid: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
      }),
    ],
    contacts: [seen('Sheena Nelson', 1749854575000)],
  },
  'webhook-messages-error-131060.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTEzMTA2MFVOQVZBSUxBQkxFAA==',
        timestamp: 1750090702000,
        type: 'unsupported',
        isPlaceholder: true,
        errors: [
          {
            code: 131060,
            title: 'This message is currently unavailable.',
            message: 'This message is currently unavailable.',
            details: 'This message is currently unavailable.',
          },
        ],
      }),
    ],
    contacts: [seen('Sheena Nelson', 1750090702000)],
    alerts: [
      {
        kind: 'alert',
        code: 'message_unavailable',
        wabaId: WABA_ID,
        phoneNumberId: '106540352242922',
        phoneNumber: '15550783881',
        metaCode: 131060,
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTEzMTA2MFVOQVZBSUxBQkxFAA==',
        contact: SHEENA,
        message: expect.stringContaining('WhatsApp Business app'),
        timestamp: 1750090702000,
      },
    ],
  },
  'webhook-statuses.json': {
    statuses: [
      status({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        status: 'sent',
        timestamp: 1750030073000,
        pricingCategory: 'marketing',
        pricingType: 'regular',
        billable: true,
      }),
    ],
  },
  'webhook-statuses-delivered.json': {
    statuses: [
      status({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        status: 'delivered',
        timestamp: 1750030075000,
        pricingCategory: 'marketing',
        pricingType: 'regular',
        billable: true,
      }),
    ],
  },
  'webhook-statuses-read.json': {
    statuses: [
      status({
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        status: 'read',
        timestamp: 1750030120000,
      }),
    ],
  },
  'webhook-statuses-failed-130429.json': {
    statuses: [
      status({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIxMzA0MjlSQVRFTElNSVQA',
        status: 'failed',
        timestamp: 1751143050000,
        errors: [
          {
            code: 130429,
            title: 'Rate limit hit',
            message: 'Rate limit hit',
            details:
              'Message failed to send because there were too many messages sent from this phone number in a short period of time',
          },
        ],
      }),
    ],
  },
  'webhook-statuses-failed-131047.json': {
    statuses: [
      status({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIxMzEwNDdSRUVOR0FHRU1FTlQA',
        status: 'failed',
        timestamp: 1751142999000,
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        ],
      }),
    ],
  },
  'webhook-smb-message-echoes.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
        source: 'echo',
        direction: 'outbound',
        timestamp: 1700255121000,
        type: 'text',
        text: "Here's the info you requested! https://www.meta.com/quest/quest-3/",
        textLength: 66,
      }),
    ],
  },
  'webhook-smb-message-echoes-edit-observed.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJFRElUMDAwMDAwMDAwMDAwMDEA',
        source: 'echo',
        direction: 'outbound',
        timestamp: 1739321084000,
        type: 'edit',
        targetWamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
        text: "Here's the corrected info: https://www.meta.com/quest/quest-3s/",
        textLength: 63,
      }),
    ],
  },
  'webhook-smb-message-echoes-revoke-observed.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJSRVZPS0UwMDAwMDAwMDAwMDEA',
        source: 'echo',
        direction: 'outbound',
        timestamp: 1739321144000,
        type: 'revoke',
        targetWamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      }),
    ],
  },
  'webhook-history-chunk.json': {
    messages: [
      message({
        wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
        source: 'history',
        direction: 'outbound',
        timestamp: 1739230955000,
        type: 'text',
        text: "Here's the info you requested! https://www.meta.com/quest/quest-3/",
        textLength: 66,
        historyStatus: 'READ',
        history: { phase: 0, chunkOrder: 1, progress: 55 },
      }),
      message({
        wamid: 'wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA',
        source: 'history',
        direction: 'outbound',
        timestamp: 1739230970000,
        type: 'media_placeholder',
        hasMedia: true,
        isPlaceholder: true,
        historyStatus: 'PLAYED',
        history: { phase: 0, chunkOrder: 1, progress: 55 },
      }),
      message({
        wamid: 'wamid.N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0',
        source: 'history',
        direction: 'inbound',
        timestamp: 1739230970000,
        type: 'text',
        text: 'Thanks!',
        textLength: 7,
        historyStatus: 'READ',
        history: { phase: 0, chunkOrder: 1, progress: 55 },
      }),
      message({
        wamid: 'wamid.BIyNDlBOEI5N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGQUQ4NDc0',
        source: 'history',
        direction: 'outbound',
        contact: { key: '12125557890', waId: '12125557890', userId: null },
        timestamp: 1739230970000,
        type: 'text',
        text: 'Thanks for your order! As a thank you, use code THANKS30 to get 30% of your next order.',
        textLength: 87,
        historyStatus: 'DELIVERED',
        history: { phase: 0, chunkOrder: 1, progress: 55 },
      }),
    ],
    historyChunks: [
      {
        kind: 'history_chunk',
        ...PHONE_SCOPE,
        position: { phase: 0, chunkOrder: 1, progress: 55 },
        threadCount: 2,
        messageCount: 4,
        skippedCount: 0,
      },
    ],
  },
  'webhook-history-declined-2593109.json': { historyDeclined: [declined()] },
  'webhook-history-declined-2593109.value-verbatim.json': { historyDeclined: [declined()] },
  'webhook-smb-app-state-sync.json': {
    contacts: [
      {
        kind: 'contact',
        ...PHONE_SCOPE,
        contact: SHEENA,
        action: 'add',
        origin: 'state_sync',
        name: 'Pablo Morales',
        firstName: 'Pablo',
        username: null,
        timestamp: 1739321024000,
      },
    ],
  },
  'webhook-smb-app-state-sync-remove.json': {
    contacts: [
      {
        kind: 'contact',
        ...PHONE_SCOPE,
        contact: SHEENA,
        action: 'remove',
        origin: 'state_sync',
        name: null,
        firstName: null,
        username: null,
        timestamp: 1739407424000,
      },
    ],
  },
  'webhook-account-update-partner-removed.json': {
    accountEvents: [
      {
        kind: 'account_event',
        wabaId: WABA_ID,
        entryId: WABA_ID,
        phoneNumber: '15550783881',
        event: 'PARTNER_REMOVED',
        reason: 'PRIMARY_INACTIVITY',
        initiatedBy: 'SYSTEM',
        timestamp: 1739212624000,
      },
    ],
    alerts: [
      {
        kind: 'alert',
        code: 'partner_removed',
        wabaId: WABA_ID,
        phoneNumberId: null,
        phoneNumber: '15550783881',
        metaCode: null,
        wamid: null,
        contact: null,
        message: expect.stringMatching(
          /\+15550783881[\s\S]*stopped[\s\S]*history[\s\S]*Settings > Account > Business Platform/,
        ),
        timestamp: 1739212624000,
      },
    ],
  },
  'webhook-account-update-account-offboarded.json': {
    accountEvents: [
      {
        kind: 'account_event',
        wabaId: '862475293675413',
        entryId: '862475293675413',
        phoneNumber: null,
        event: 'ACCOUNT_OFFBOARDED',
        reason: null,
        initiatedBy: null,
        timestamp: 1768477204000,
      },
    ],
    alerts: [
      {
        kind: 'alert',
        code: 'account_offboarded',
        wabaId: '862475293675413',
        phoneNumberId: null,
        phoneNumber: null,
        metaCode: null,
        wamid: null,
        contact: null,
        message: expect.stringMatching(/862475293675413[\s\S]*stopped[\s\S]*history/),
        timestamp: 1768477204000,
      },
    ],
  },
  'webhook-account-update-account-reconnected.json': {
    accountEvents: [
      {
        kind: 'account_event',
        wabaId: '862475293675413',
        entryId: '862475293675413',
        phoneNumber: null,
        event: 'ACCOUNT_RECONNECTED',
        reason: null,
        initiatedBy: null,
        timestamp: 1768477203000,
      },
    ],
  },
  'webhook-account-update-partner-app-installed.json': {
    accountEvents: [
      {
        kind: 'account_event',
        // routed by waba_info.waba_id: entry.id is the partner's business here
        wabaId: '1191624265890717',
        entryId: '2949482758682047',
        phoneNumber: null,
        event: 'PARTNER_APP_INSTALLED',
        reason: null,
        initiatedBy: null,
        timestamp: 1745337174000,
      },
    ],
  },
  'webhook-message-template-status-update-approved.json': {
    templateStatuses: [
      {
        kind: 'template_status',
        wabaId: WABA_ID,
        templateId: '1689556908129832',
        name: 'order_confirmation',
        language: 'en-US',
        status: 'APPROVED',
        reason: 'NONE',
        category: 'UTILITY',
        timestamp: 1751247548000,
      },
    ],
  },
  'webhook-message-template-status-update-rejected.json': {
    templateStatuses: [
      {
        kind: 'template_status',
        wabaId: WABA_ID,
        templateId: '1689556908129835',
        name: 'abandoned_cart',
        language: 'en',
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        category: 'MARKETING',
        timestamp: 1751247548000,
      },
    ],
  },
};

function declined() {
  return {
    kind: 'history_declined',
    ...PHONE_SCOPE,
    error: {
      code: 2593109,
      title: 'History sync is turned off by the business from the WhatsApp Business App',
      message: 'History sync is turned off by the business from the WhatsApp Business App',
      details: 'History sharing is turned off by the business',
    },
  };
}

const RECORD_KINDS = [
  'messages',
  'statuses',
  'contacts',
  'historyChunks',
  'historyDeclined',
  'accountEvents',
  'templateStatuses',
  'alerts',
] as const;

const fixtures = loadWebhookFixtures();

describe('Meta webhook fixtures', () => {
  it('has an expectation for every webhook body in fixtures/meta/payloads, and no stale one', () => {
    expect(fixtures.map(({ file }) => file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(fixtures)('$file', ({ file, body }) => {
    it('normalises without an invalid or unknown part, into exactly the expected records', () => {
      const result = normaliseWebhook(body);
      expect(result.invalid).toEqual([]);
      expect(result.unknown).toEqual([]);
      const expected = EXPECTED[file] ?? {};
      for (const kind of RECORD_KINDS) {
        expect(result[kind], kind).toEqual(expected[kind] ?? []);
      }
    });

    it('matches the full schemas of the envelope and of its field', () => {
      const envelope = WebhookEnvelopeSchema.parse(body);
      for (const entry of envelope.entry) {
        for (const change of entry.changes) {
          expect(KNOWN_FIELDS).toContain(change.field);
          const schema = VALUE_SCHEMA_BY_FIELD[change.field as keyof typeof VALUE_SCHEMA_BY_FIELD];
          const parsed = schema.safeParse(change.value);
          expect(parsed.error?.issues ?? []).toEqual([]);
        }
      }
    });
  });

  it('reads echoes from `smb_message_echoes` exactly as from `message_echoes`', () => {
    const body = fixtures.find(({ file }) => file === 'webhook-smb-message-echoes.json')?.body;
    const renamed = structuredClone(body) as {
      entry: { changes: { value: Record<string, unknown> }[] }[];
    };
    const value = renamed.entry[0]?.changes[0]?.value;
    if (!value) throw new Error('fixture shape changed');
    value.smb_message_echoes = value.message_echoes;
    delete value.message_echoes;

    const result = normaliseWebhook(renamed);
    expect(result.invalid).toEqual([]);
    expect(result.messages).toEqual(EXPECTED['webhook-smb-message-echoes.json']?.messages);
  });
});
