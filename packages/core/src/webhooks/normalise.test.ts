import { describe, expect, it } from 'vitest';
import { envelope, fixture } from '../../test/meta-payloads.js';
import { normaliseWebhook, ROOT_PATH } from './normalise.js';
import type { NormalisedWebhook } from './records.js';

const WABA_ID = '102290129340398';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const BUSINESS = '15550783881';
const USER = '16505551234';

function messagesValue(fields: Record<string, unknown>) {
  return { messaging_product: 'whatsapp', metadata: METADATA, ...fields };
}

function text(id: string, body: string, extra: Record<string, unknown> = {}) {
  return { from: USER, id, timestamp: '1749416383', type: 'text', text: { body }, ...extra };
}

function chunk(chunkOrder: number, threads: unknown[], phase = 1, progress = 40) {
  return { metadata: { phase, chunk_order: chunkOrder, progress }, threads };
}

function wamids(result: NormalisedWebhook): string[] {
  return result.messages.map((record) => record.wamid);
}

/** Everything except `invalid` is empty. */
function expectNothingButInvalid(result: NormalisedWebhook) {
  const { invalid, ...rest } = result;
  for (const [kind, records] of Object.entries(rest)) expect(records, kind).toEqual([]);
  return invalid;
}

describe('normaliseWebhook: bodies that are not webhooks', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a huge number', 1e308],
    ['a string', 'whatsapp_business_account'],
    ['an array', [{ object: 'whatsapp_business_account', entry: [] }]],
    ['an empty object', {}],
    ['another product', { object: 'instagram', entry: [] }],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['entry not an array', { object: 'whatsapp_business_account', entry: { id: WABA_ID } }],
  ])('%s yields one invalid part at the root and nothing else', (_, body) => {
    const invalid = expectNothingButInvalid(normaliseWebhook(body));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ field: null, path: ROOT_PATH });
    expect(invalid[0]?.reason).not.toBe('');
  });

  it('names what is wrong with the envelope', () => {
    const [part] = normaliseWebhook({ object: 'page', entry: 'x' }).invalid;
    expect(part?.reason).toMatch(/object/);
    expect(part?.reason).toMatch(/entry/);
  });

  it('an envelope with no entries is valid and empty', () => {
    const result = normaliseWebhook({ object: 'whatsapp_business_account', entry: [] });
    expect(expectNothingButInvalid(result)).toEqual([]);
  });
});

describe('normaliseWebhook: one broken part never costs its siblings', () => {
  it('keeps a valid entry beside an invalid one', () => {
    const body = fixture('webhook-messages-text.json') as { entry: unknown[] };
    body.entry.unshift({ changes: [] }, 'not an entry');
    const result = normaliseWebhook(body);
    expect(wamids(result)).toEqual(['wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=']);
    expect(result.invalid.map(({ path }) => path)).toEqual(['entry[0]', 'entry[1]']);
    expect(result.invalid[0]?.reason).toBe('id: missing');
  });

  it('keeps valid changes beside an invalid one in the same entry', () => {
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            { field: 'messages', value: messagesValue({ messages: [text('wamid.A', 'a')] }) },
            { field: 'messages', value: { messages: [text('wamid.B', 'b')] } },
            { value: {} },
            { field: 'messages', value: messagesValue({ messages: [text('wamid.C', 'c')] }) },
          ],
        },
      ],
    });
    expect(wamids(result)).toEqual(['wamid.A', 'wamid.C']);
    expect(result.invalid).toEqual([
      { field: 'messages', path: 'entry[0].changes[1].value', reason: 'metadata: missing' },
      { field: null, path: 'entry[0].changes[2]', reason: 'field: missing' },
    ]);
  });

  it('keeps the good messages beside a broken one in the same array, and says which and why', () => {
    const body = envelope(
      'messages',
      messagesValue({
        messages: [
          text('wamid.A', 'first'),
          { from: USER, id: 'wamid.B', type: 'text', text: { body: 'no time' } },
          text('wamid.C', 'third'),
          { from: USER, id: 'wamid.D', timestamp: '1749416383', type: 'text' },
          'junk',
          text('wamid.E', 'fifth'),
        ],
      }),
    );
    const result = normaliseWebhook(body);
    expect(wamids(result)).toEqual(['wamid.A', 'wamid.C', 'wamid.E']);
    expect(result.invalid).toEqual([
      { field: 'messages', path: 'entry[0].changes[0].value.messages[1]', reason: 'timestamp: missing' },
      {
        field: 'messages',
        path: 'entry[0].changes[0].value.messages[3]',
        reason: 'text: missing for message type text',
      },
      {
        field: 'messages',
        path: 'entry[0].changes[0].value.messages[4]',
        reason: expect.stringMatching(/object/),
      },
    ]);
  });

  it('a broken sender profile loses only itself, not the message', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({ contacts: [{ wa_id: USER }], messages: [text('wamid.A', 'hello')] }),
      ),
    );
    expect(wamids(result)).toEqual(['wamid.A']);
    expect(result.contacts).toEqual([]);
    expect(result.invalid).toEqual([
      { field: 'messages', path: 'entry[0].changes[0].value.contacts[0]', reason: 'profile: missing' },
    ]);
  });

  it('an array that is not an array is reported, the other arrays are still read', () => {
    const result = normaliseWebhook(
      envelope('messages', messagesValue({ statuses: { id: 'x' }, messages: [text('wamid.A', 'hi')] })),
    );
    expect(wamids(result)).toEqual(['wamid.A']);
    expect(result.invalid).toEqual([
      { field: 'messages', path: 'entry[0].changes[0].value.statuses', reason: 'expected an array' },
    ]);
  });

  it('a bad entry time costs only the time', () => {
    const body = fixture('webhook-message-template-status-update-approved.json') as {
      entry: { time: unknown }[];
    };
    (body.entry[0] as { time: unknown }).time = 'yesterday';
    const result = normaliseWebhook(body);
    expect(result.templateStatuses).toHaveLength(1);
    expect(result.templateStatuses[0]).toMatchObject({ templateId: '1689556908129832', timestamp: 0 });
    expect(result.invalid).toEqual([
      { field: null, path: 'entry[0].time', reason: expect.stringContaining('yesterday') },
    ]);
  });
});

describe('normaliseWebhook: fields and types we do not know', () => {
  it('reports an unknown field in `unknown` and still reads the known ones', () => {
    const body = fixture('webhook-messages-text.json') as {
      entry: { changes: unknown[] }[];
    };
    body.entry[0]?.changes.push({ field: 'calls', value: { anything: true } });
    const result = normaliseWebhook(body);
    expect(result.unknown).toEqual([{ entryId: WABA_ID, field: 'calls', path: 'entry[0].changes[1]' }]);
    expect(result.invalid).toEqual([]);
    expect(result.messages).toHaveLength(1);
  });

  it('does not take a field named like an Object.prototype member for a known one', () => {
    const result = normaliseWebhook(envelope('constructor', {}));
    expect(result.unknown).toEqual([{ entryId: WABA_ID, field: 'constructor', path: 'entry[0].changes[0]' }]);
    expect(result.invalid).toEqual([]);
  });

  it('keeps a message of an unknown type as a record of that type', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          messages: [
            { from: USER, id: 'wamid.P', timestamp: '1749416383', type: 'poll_update', poll_update: {} },
          ],
        }),
      ),
    );
    expect(result.invalid).toEqual([]);
    expect(result.messages).toEqual([
      expect.objectContaining({
        wamid: 'wamid.P',
        type: 'poll_update',
        text: null,
        textLength: 0,
        hasMedia: false,
      }),
    ]);
  });

  it('lets unknown fields pass through at every level', () => {
    const body = fixture('webhook-messages-image.json') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const image = body.entry[0]?.changes[0]?.value.messages[0];
    if (!image) throw new Error('fixture shape changed');
    image.brand_new_field = { nested: [1, 2] };
    (image.image as Record<string, unknown>).animated = false;
    const result = normaliseWebhook(body);
    expect(result.invalid).toEqual([]);
    expect(result.messages[0]?.media?.id).toBe('1003383421387256');
  });

  it('reports a state_sync item of an unknown kind in `unknown`, not as invalid', () => {
    const result = normaliseWebhook(
      envelope(
        'smb_app_state_sync',
        messagesValue({
          state_sync: [
            { type: 'label', label: { name: 'VIP' }, action: 'add', metadata: { timestamp: '1739321024' } },
            {
              type: 'contact',
              contact: { phone_number: USER },
              action: 'remove',
              metadata: { timestamp: '1739321024' },
            },
          ],
        }),
      ),
    );
    expect(result.unknown).toEqual([
      { entryId: WABA_ID, field: 'smb_app_state_sync', path: 'entry[0].changes[0].value.state_sync[0]' },
    ]);
    expect(result.contacts.map(({ action }) => action)).toEqual(['remove']);
    expect(result.invalid).toEqual([]);
  });

  it('refuses a state_sync contact action that is neither add nor remove', () => {
    const result = normaliseWebhook(
      envelope(
        'smb_app_state_sync',
        messagesValue({
          state_sync: [
            {
              type: 'contact',
              contact: { phone_number: USER },
              action: 'block',
              metadata: { timestamp: '1' },
            },
          ],
        }),
      ),
    );
    expect(result.contacts).toEqual([]);
    expect(result.invalid).toEqual([
      {
        field: 'smb_app_state_sync',
        path: 'entry[0].changes[0].value.state_sync[0]',
        reason: expect.stringMatching(/^action: /),
      },
    ]);
  });

  it('keeps any account_update event, alerting only on those that stop sending', () => {
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '2949482758682047',
          time: 1745337174,
          changes: [
            { field: 'account_update', value: { event: 'MM_LITE_TERMS_SIGNED' } },
            {
              field: 'account_update',
              value: {
                event: 'PARTNER_REMOVED',
                waba_info: { waba_id: '1191624265890717', owner_business_id: '2329417887457253' },
                disconnection_info: { reason: 'ACCOUNT_DISCONNECTED', initiated_by: 'USER' },
              },
            },
          ],
        },
      ],
    });
    expect(result.invalid).toEqual([]);
    expect(result.accountEvents.map(({ event, wabaId }) => [event, wabaId])).toEqual([
      ['MM_LITE_TERMS_SIGNED', '2949482758682047'],
      ['PARTNER_REMOVED', '1191624265890717'],
    ]);
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({
      code: 'partner_removed',
      wabaId: '1191624265890717',
      phoneNumber: null,
      timestamp: 1745337174000,
    });
    expect(result.alerts[0]?.message).toMatch(/Settings > Account > Business Platform/);
  });

  it('gives account events a timestamp of 0 when the entry has no time', () => {
    const result = normaliseWebhook(envelope('account_update', { event: 'ACCOUNT_RECONNECTED' }));
    expect(result.accountEvents[0]?.timestamp).toBe(0);
  });
});

describe('normaliseWebhook: timestamps', () => {
  const at = (timestamp: unknown) => {
    const message: Record<string, unknown> = text('wamid.T', 'x');
    if (timestamp === undefined) delete message.timestamp;
    else message.timestamp = timestamp;
    return normaliseWebhook(envelope('messages', messagesValue({ messages: [message] })));
  };

  it.each([
    ['a string of seconds', '1749416383', 1749416383000],
    ['a number of seconds', 1749416383, 1749416383000],
    ['zero', '0', 0],
    ['leading zeros', '0001749416383', 1749416383000],
  ])('reads %s as milliseconds', (_, timestamp, ms) => {
    const result = at(timestamp);
    expect(result.invalid).toEqual([]);
    expect(result.messages[0]?.timestamp).toBe(ms);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['words', 'yesterday'],
    ['negative', '-1749416383'],
    ['a negative number', -5],
    ['decimal text', '1749416383.5'],
    ['spaced', ' 1749416383'],
    ['beyond any date', '99999999999999999'],
    ['a huge number', 1e300],
    ['null', null],
    ['an object', { seconds: 1749416383 }],
    ['a boolean', true],
  ])('makes the item invalid when %s', (_, timestamp) => {
    const result = at(timestamp);
    expect(result.messages).toEqual([]);
    expect(result.invalid).toEqual([
      {
        field: 'messages',
        path: 'entry[0].changes[0].value.messages[0]',
        reason: expect.stringMatching(/^timestamp: /),
      },
    ]);
  });

  it('makes a status and a state_sync item invalid without a timestamp too', () => {
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: messagesValue({ statuses: [{ id: 'wamid.S', status: 'read', recipient_id: USER }] }),
            },
            {
              field: 'smb_app_state_sync',
              value: messagesValue({
                state_sync: [
                  { type: 'contact', contact: { phone_number: USER }, action: 'add', metadata: {} },
                ],
              }),
            },
          ],
        },
      ],
    });
    expect(result.statuses).toEqual([]);
    expect(result.contacts).toEqual([]);
    expect(result.invalid.map(({ path, reason }) => [path, reason])).toEqual([
      ['entry[0].changes[0].value.statuses[0]', 'timestamp: missing'],
      ['entry[0].changes[1].value.state_sync[0]', 'metadata.timestamp: missing'],
    ]);
  });
});

describe('normaliseWebhook: phone numbers and business-scoped user ids', () => {
  it('keeps digits only, whether Meta writes + or spaces', () => {
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          time: 1739212624,
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { display_phone_number: '+1 555-078-3881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sheena' }, wa_id: '+16505551234' }],
                messages: [text('wamid.A', 'hi', { from: '+16505551234' })],
                statuses: [
                  { id: 'wamid.S', status: 'sent', timestamp: '1', recipient_id: '+1 650 555 1234' },
                ],
              },
            },
            {
              field: 'smb_message_echoes',
              value: messagesValue({
                message_echoes: [
                  {
                    from: '+15550783881',
                    to: '+16505551234',
                    id: 'wamid.E',
                    timestamp: '1',
                    type: 'text',
                    text: { body: 'x' },
                  },
                ],
              }),
            },
            { field: 'account_update', value: { event: 'PARTNER_REMOVED', phone_number: '+1 555 078 3881' } },
          ],
        },
      ],
    });
    expect(result.invalid).toEqual([]);
    const sheena = { key: USER, waId: USER, userId: null };
    expect(result.messages.map(({ contact, displayPhoneNumber }) => [contact, displayPhoneNumber])).toEqual([
      [sheena, BUSINESS],
      [sheena, BUSINESS],
    ]);
    expect(result.contacts[0]?.contact).toEqual(sheena);
    // the profile's `+` number and the message's are the same person
    expect(result.contacts[0]?.timestamp).toBe(1749416383000);
    expect(result.statuses[0]?.recipient).toEqual(sheena);
    expect(result.accountEvents[0]?.phoneNumber).toBe(BUSINESS);
    expect(result.alerts[0]?.message).toContain('+15550783881');
  });

  it('keys a user who shows no phone number by BSUID', () => {
    const bsuid = 'US.13491208655302741918';
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          contacts: [{ profile: { name: 'Sheena', username: 'sheena.n' }, user_id: bsuid }],
          messages: [
            {
              from_user_id: bsuid,
              id: 'wamid.U',
              timestamp: '1749416383',
              type: 'text',
              text: { body: 'hi' },
            },
          ],
          statuses: [
            { id: 'wamid.S', status: 'delivered', timestamp: '1749416390', recipient_user_id: bsuid },
          ],
        }),
      ),
    );
    const contact = { key: bsuid, waId: null, userId: bsuid };
    expect(result.invalid).toEqual([]);
    expect(result.messages[0]?.contact).toEqual(contact);
    expect(result.statuses[0]?.recipient).toEqual(contact);
    expect(result.contacts).toEqual([
      expect.objectContaining({ contact, name: 'Sheena', username: 'sheena.n', timestamp: 1749416383000 }),
    ]);
  });

  it('prefers the BSUID as key and keeps the phone beside it', () => {
    const bsuid = 'US.13491208655302741918';
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          // the BSUID is only on the profile: the message is matched to it by phone
          contacts: [{ profile: { name: 'Sheena' }, wa_id: USER, user_id: bsuid }],
          messages: [text('wamid.A', 'hi')],
        }),
      ),
    );
    expect(result.messages[0]?.contact).toEqual({ key: bsuid, waId: USER, userId: bsuid });
    expect(result.contacts[0]?.contact).toEqual({ key: bsuid, waId: USER, userId: bsuid });
  });

  it('keys echoes, history threads and contact syncs by BSUID when that is all there is', () => {
    const bsuid = 'BR.ENT.98765abc';
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'smb_message_echoes',
              value: messagesValue({
                message_echoes: [
                  {
                    from: BUSINESS,
                    to_user_id: bsuid,
                    id: 'wamid.E',
                    timestamp: '1',
                    type: 'text',
                    text: { body: 'x' },
                  },
                ],
              }),
            },
            {
              field: 'history',
              value: messagesValue({
                history: [
                  chunk(1, [
                    {
                      id: bsuid,
                      messages: [
                        { from: BUSINESS, id: 'wamid.H1', timestamp: '1', type: 'text', text: { body: 'a' } },
                        {
                          from_user_id: bsuid,
                          id: 'wamid.H2',
                          timestamp: '2',
                          type: 'text',
                          text: { body: 'b' },
                        },
                      ],
                    },
                  ]),
                ],
              }),
            },
            {
              field: 'smb_app_state_sync',
              value: messagesValue({
                state_sync: [
                  {
                    type: 'contact',
                    contact: { user_id: bsuid },
                    action: 'remove',
                    metadata: { timestamp: '3' },
                  },
                ],
              }),
            },
          ],
        },
      ],
    });
    const contact = { key: bsuid, waId: null, userId: bsuid };
    expect(result.invalid).toEqual([]);
    expect(result.messages.map((record) => [record.wamid, record.direction, record.contact])).toEqual([
      ['wamid.E', 'outbound', contact],
      ['wamid.H1', 'outbound', contact],
      ['wamid.H2', 'inbound', contact],
    ]);
    expect(result.historyChunks[0]).toMatchObject({ threadCount: 1, messageCount: 2, skippedCount: 0 });
    expect(result.contacts[0]?.contact).toEqual(contact);
  });

  it('makes an item invalid when it names nobody', () => {
    const result = normaliseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: messagesValue({
                messages: [{ id: 'wamid.A', timestamp: '1', type: 'text', text: { body: 'x' } }],
                statuses: [{ id: 'wamid.S', status: 'sent', timestamp: '1' }],
                contacts: [{ profile: { name: 'Nobody' } }],
              }),
            },
            {
              field: 'smb_message_echoes',
              value: messagesValue({
                message_echoes: [
                  { from: BUSINESS, id: 'wamid.E', timestamp: '1', type: 'text', text: { body: 'x' } },
                ],
              }),
            },
            {
              field: 'messages',
              value: messagesValue({
                messages: [
                  { from: 'unknown', id: 'wamid.B', timestamp: '1', type: 'text', text: { body: 'x' } },
                ],
              }),
            },
          ],
        },
      ],
    });
    expect(result.messages).toEqual([]);
    expect(result.statuses).toEqual([]);
    expect(result.contacts).toEqual([]);
    expect(result.invalid.map(({ path, reason }) => [path, reason])).toEqual([
      ['entry[0].changes[0].value.contacts[0]', 'wa_id: missing, and no user_id either'],
      ['entry[0].changes[0].value.messages[0]', 'from: missing, and no from_user_id either'],
      ['entry[0].changes[0].value.statuses[0]', 'recipient_id: missing, and no recipient_user_id either'],
      ['entry[0].changes[1].value.message_echoes[0]', 'to: missing, and no to_user_id either'],
      ['entry[0].changes[2].value.messages[0]', 'from: expected a phone number'],
    ]);
  });
});

describe('normaliseWebhook: 131060, message unavailable', () => {
  const unavailable = fixture('webhook-messages-error-131060.json');

  it('is a placeholder for the wamid, and an alert sending the business to the app', () => {
    const result = normaliseWebhook(unavailable);
    const [record] = result.messages;
    expect(record).toMatchObject({ isPlaceholder: true, hasMedia: false, text: null });
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({
      code: 'message_unavailable',
      wamid: record?.wamid,
      metaCode: 131060,
    });
    expect(result.alerts[0]?.message).toMatch(/check the messages in the WhatsApp Business app/i);
    expect(result.alerts[0]?.message).toContain('+16505551234');
  });

  it('the real message Meta sends later under the same wamid is not a placeholder', () => {
    const later = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          messages: [text('wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTEzMTA2MFVOQVZBSUxBQkxFAA==', 'here I am')],
        }),
      ),
    );
    expect(later.messages[0]).toMatchObject({
      wamid: normaliseWebhook(unavailable).messages[0]?.wamid,
      isPlaceholder: false,
      text: 'here I am',
    });
    expect(later.alerts).toEqual([]);
  });

  it('an unsupported message with another error is neither a placeholder nor an alert', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          messages: [
            {
              from: USER,
              id: 'wamid.U',
              timestamp: '1',
              type: 'unsupported',
              unsupported: { type: 'poll_creation' },
              errors: [
                { code: 131051, title: 'Message type unknown', error_data: { details: 'not supported' } },
              ],
            },
          ],
        }),
      ),
    );
    expect(result.messages[0]).toMatchObject({
      isPlaceholder: false,
      errors: [{ code: 131051, title: 'Message type unknown', message: null, details: 'not supported' }],
    });
    expect(result.alerts).toEqual([]);
  });

  it('turns top-level value.errors into meta_error alerts', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          errors: [
            { code: 131000, title: 'Something went wrong', error_data: { details: 'Unknown error' } },
            { code: 'not a number' },
          ],
        }),
      ),
    );
    expect(result.alerts).toEqual([
      {
        kind: 'alert',
        code: 'meta_error',
        wabaId: WABA_ID,
        phoneNumberId: '106540352242922',
        phoneNumber: BUSINESS,
        metaCode: 131000,
        wamid: null,
        contact: null,
        message: expect.stringMatching(/131000[\s\S]*Something went wrong[\s\S]*Unknown error/),
        timestamp: 0,
      },
    ]);
    expect(result.invalid.map(({ path }) => path)).toEqual(['entry[0].changes[0].value.errors[1]']);
  });
});

describe('normaliseWebhook: history', () => {
  const thread = (id: string, messages: unknown) => ({ id, messages });
  const historyMessage = (id: string, from: string, extra: Record<string, unknown> = {}) => ({
    from,
    id,
    timestamp: '1739230955',
    type: 'text',
    text: { body: id },
    history_context: { status: 'READ' },
    ...extra,
  });

  it('keeps chunks that arrive out of order, each with its own position', () => {
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          history: [
            chunk(3, [thread(USER, [historyMessage('wamid.late', USER)])], 2, 100),
            chunk(1, [thread(USER, [historyMessage('wamid.early', BUSINESS)])], 0, 10),
          ],
        }),
      ),
    );
    expect(result.invalid).toEqual([]);
    expect(result.historyChunks.map(({ position }) => position)).toEqual([
      { phase: 2, chunkOrder: 3, progress: 100 },
      { phase: 0, chunkOrder: 1, progress: 10 },
    ]);
    expect(
      result.messages.map(({ wamid, history, direction }) => [wamid, history?.chunkOrder, direction]),
    ).toEqual([
      ['wamid.late', 3, 'inbound'],
      ['wamid.early', 1, 'outbound'],
    ]);
  });

  it('skips group threads and group or disappearing messages, and counts them', () => {
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          history: [
            chunk(1, [
              thread('120363040000000000@g.us', [
                historyMessage('wamid.g1', USER),
                historyMessage('wamid.g2', BUSINESS),
              ]),
              thread('16505551234-1612345678', [historyMessage('wamid.g3', USER)]),
              thread(USER, [
                historyMessage('wamid.kept', USER),
                historyMessage('wamid.group', USER, { group_id: '120363040000000000' }),
                historyMessage('wamid.grouptype', USER, { recipient_type: 'group' }),
                historyMessage('wamid.gone', USER, { ephemeral_expiration: 604800 }),
                historyMessage('wamid.gone2', BUSINESS, {
                  history_context: { status: 'READ', disappearing: true },
                }),
                historyMessage('wamid.notgone', BUSINESS, { ephemeral: false }),
              ]),
            ]),
          ],
        }),
      ),
    );
    expect(result.invalid).toEqual([]);
    expect(wamids(result)).toEqual(['wamid.kept', 'wamid.notgone']);
    expect(result.historyChunks).toEqual([
      expect.objectContaining({ threadCount: 1, messageCount: 2, skippedCount: 7 }),
    ]);
  });

  it('never makes records of live group messages either', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          messages: [text('wamid.G', 'in a group', { group_id: 'Y2FwaV9ncm91cDox' }), text('wamid.A', 'hi')],
        }),
      ),
    );
    expect(wamids(result)).toEqual(['wamid.A']);
    expect(result.invalid).toEqual([]);
  });

  it('tells direction by the business number, even written differently', () => {
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          history: [
            chunk(1, [
              thread(`+${USER}`, [
                historyMessage('wamid.out', '+1 555 078 3881'),
                historyMessage('wamid.in', `+${USER}`),
                // neither the business as written in metadata nor the thread: the business all the same
                historyMessage('wamid.other', '5550783881'),
              ]),
            ]),
          ],
        }),
      ),
    );
    expect(result.messages.map(({ wamid, direction, contact }) => [wamid, direction, contact.key])).toEqual([
      ['wamid.out', 'outbound', USER],
      ['wamid.in', 'inbound', USER],
      ['wamid.other', 'outbound', USER],
    ]);
  });

  it('counts only the records it made, and reports broken threads and messages', () => {
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          history: [
            chunk(1, [
              thread(USER, [historyMessage('wamid.ok', USER), { id: 'wamid.bad', type: 'text' }]),
              { messages: [] },
              thread('12125557890', 'not a list'),
            ]),
            { threads: [] },
            { metadata: { phase: 0, chunk_order: 1, progress: 101 }, threads: [] },
          ],
        }),
      ),
    );
    expect(wamids(result)).toEqual(['wamid.ok']);
    expect(result.historyChunks).toEqual([
      expect.objectContaining({ threadCount: 1, messageCount: 1, skippedCount: 0 }),
    ]);
    expect(result.invalid.map(({ path }) => path)).toEqual([
      'entry[0].changes[0].value.history[0].threads[0].messages[1]',
      'entry[0].changes[0].value.history[0].threads[1]',
      'entry[0].changes[0].value.history[0].threads[2]',
      'entry[0].changes[0].value.history[1].metadata',
      'entry[0].changes[0].value.history[2].metadata',
    ]);
    expect(result.invalid[4]?.reason).toMatch(/^progress: /);
  });

  it('reads the media follow-up as the history message with its media', () => {
    // Meta's own example of the follow-up (history webhook reference)
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          messages: [
            {
              from: USER,
              id: 'wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA',
              timestamp: '1738796547',
              type: 'image',
              image: {
                caption: 'Black Prince echeveria',
                mime_type: 'image/jpeg',
                sha256: '3f9d94d399fa61c191bc1d4ca71375a035cd9b9f5b1128e1f0963a415c16b0cc',
                id: '24230790383178626',
              },
            },
          ],
        }),
      ),
    );
    expect(result.invalid).toEqual([]);
    expect(result.historyChunks).toEqual([]);
    expect(result.messages).toEqual([
      {
        kind: 'message',
        wabaId: WABA_ID,
        phoneNumberId: '106540352242922',
        displayPhoneNumber: BUSINESS,
        wamid: 'wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA',
        source: 'history',
        direction: 'inbound',
        contact: { key: USER, waId: USER, userId: null },
        timestamp: 1738796547000,
        type: 'image',
        textLength: 22,
        text: 'Black Prince echeveria',
        hasMedia: true,
        media: {
          id: '24230790383178626',
          mimeType: 'image/jpeg',
          sha256: '3f9d94d399fa61c191bc1d4ca71375a035cd9b9f5b1128e1f0963a415c16b0cc',
          caption: 'Black Prince echeveria',
        },
        isPlaceholder: false,
        contextWamid: null,
        targetWamid: null,
        historyStatus: null,
        history: null,
        errors: [],
      },
    ]);
  });

  it('a media follow-up the business sent is keyed by its recipient, and invalid without one', () => {
    const video = { id: '777', mime_type: 'video/mp4', sha256: 'abc' };
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          messages: [
            { from: BUSINESS, to: USER, id: 'wamid.V1', timestamp: '1', type: 'video', video },
            { from: BUSINESS, id: 'wamid.V2', timestamp: '1', type: 'video', video },
          ],
        }),
      ),
    );
    expect(result.messages).toEqual([
      expect.objectContaining({
        wamid: 'wamid.V1',
        direction: 'outbound',
        contact: { key: USER, waId: USER, userId: null },
        hasMedia: true,
        isPlaceholder: false,
        media: { id: '777', mimeType: 'video/mp4', sha256: 'abc', caption: null },
      }),
    ]);
    expect(result.invalid).toEqual([
      {
        field: 'history',
        path: 'entry[0].changes[0].value.messages[1]',
        reason: expect.stringMatching(/recipient/),
      },
    ]);
  });

  it('reports other errors of a history chunk as alerts, and 2593109 as a decline', () => {
    const result = normaliseWebhook(
      envelope(
        'history',
        messagesValue({
          history: [
            {
              errors: [
                { code: 2593109, title: 'off' },
                { code: 131000, title: 'Something went wrong' },
              ],
            },
          ],
        }),
      ),
    );
    expect(result.historyDeclined).toEqual([
      expect.objectContaining({ error: { code: 2593109, title: 'off', message: null, details: null } }),
    ]);
    expect(result.alerts.map(({ code, metaCode }) => [code, metaCode])).toEqual([['meta_error', 131000]]);
  });
});

describe('normaliseWebhook: message contents', () => {
  const one = (message: Record<string, unknown>) => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({ messages: [{ from: USER, id: 'wamid.X', timestamp: '1', ...message }] }),
      ),
    );
    expect(result.invalid).toEqual([]);
    const [record] = result.messages;
    if (!record) throw new Error('no record');
    return record;
  };

  it('counts code points, not UTF-16 units', () => {
    expect(one({ type: 'text', text: { body: '👍 ok' } })).toMatchObject({ textLength: 4 });
    expect(one({ type: 'text', text: { body: '𝒜😀' } })).toMatchObject({ textLength: 2 });
    expect(one({ type: 'text', text: { body: 'café' } })).toMatchObject({ textLength: 4 });
  });

  it('an empty body is no text', () => {
    expect(one({ type: 'text', text: { body: '' } })).toMatchObject({ text: null, textLength: 0 });
  });

  it('reads the title of a list reply and leaves a flow reply without text', () => {
    expect(
      one({
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Tuesday 🌞' } },
      }),
    ).toMatchObject({ text: 'Tuesday 🌞', textLength: 9 });
    expect(
      one({
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"a":1}' },
        },
      }),
    ).toMatchObject({ text: null, textLength: 0 });
  });

  it('refuses an interactive reply without the object its type names', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          messages: [
            {
              from: USER,
              id: 'wamid.X',
              timestamp: '1',
              type: 'interactive',
              interactive: { type: 'button_reply' },
            },
          ],
        }),
      ),
    );
    expect(result.invalid[0]?.reason).toBe(
      'interactive.button_reply: missing for interactive type button_reply',
    );
  });

  it.each(['video', 'audio', 'document', 'sticker'])('sets media for %s', (type) => {
    expect(one({ type, [type]: { id: 'm1', mime_type: 'x/y', sha256: 's' } })).toMatchObject({
      hasMedia: true,
      media: { id: 'm1', mimeType: 'x/y', sha256: 's', caption: null },
      text: null,
    });
  });

  it('has no media for location, shared contacts, system or order messages', () => {
    const records = [
      one({ type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Shop' } }),
      one({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] }),
      one({ type: 'system', system: { body: 'changed number', type: 'user_changed_number' } }),
      one({ type: 'order', order: { catalog_id: 'c', product_items: [{ product_retailer_id: 'p' }] } }),
    ];
    expect(records.map(({ hasMedia, media }) => [hasMedia, media])).toEqual([
      [false, null],
      [false, null],
      [false, null],
      [false, null],
    ]);
  });

  it('an edit of a text message carries the new text and no media', () => {
    expect(
      one({
        type: 'edit',
        edit: { original_message_id: 'wamid.O', message: { type: 'text', text: { body: 'new' } } },
      }),
    ).toMatchObject({ targetWamid: 'wamid.O', text: 'new', textLength: 3, hasMedia: false, media: null });
  });

  it('refuses a status Meta does not document', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({ statuses: [{ id: 'w', status: 'seen', timestamp: '1', recipient_id: USER }] }),
      ),
    );
    expect(result.statuses).toEqual([]);
    expect(result.invalid[0]?.reason).toMatch(/^status: /);
  });

  it('keeps the callback data we attached when sending', () => {
    const result = normaliseWebhook(
      envelope(
        'messages',
        messagesValue({
          statuses: [
            {
              id: 'w',
              status: 'read',
              timestamp: '1',
              recipient_id: USER,
              biz_opaque_callback_data: 'msg_42',
            },
          ],
        }),
      ),
    );
    expect(result.statuses[0]?.bizOpaqueCallbackData).toBe('msg_42');
  });
});

describe('normaliseWebhook: template status updates', () => {
  const update = (id: unknown) =>
    normaliseWebhook(
      envelope('message_template_status_update', {
        event: 'PAUSED',
        message_template_id: id,
        message_template_name: 'order_confirmation',
        message_template_language: 'en_US',
        reason: null,
      }),
    );

  it('keeps the template id as a string, whether Meta sends a number or a string', () => {
    expect(update(1689556908129832).templateStatuses[0]).toMatchObject({
      templateId: '1689556908129832',
      reason: null,
    });
    expect(update('9007199254740993').templateStatuses[0]?.templateId).toBe('9007199254740993');
  });

  it('refuses an id JSON.parse can no longer hold exactly', () => {
    const result = update(Number('9007199254740993')); // as JSON.parse reads it
    expect(result.templateStatuses).toEqual([]);
    expect(result.invalid[0]).toMatchObject({
      field: 'message_template_status_update',
      path: 'entry[0].changes[0].value',
    });
  });
});
