import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FieldIssue,
  formatFieldPath,
  isReactionEmoji,
  parseMarkAsRead,
  parseOutboundMessage,
  REQUEST_BODY_FIELD,
} from './outbound.js';

const PAYLOADS = new URL('../../../../fixtures/meta/payloads/', import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, PAYLOADS), 'utf8')) as Record<string, unknown>;

const sendFixtures = readdirSync(PAYLOADS).filter(
  (name) => name.startsWith('send-') && name.endsWith('-request.json') && !name.includes('mark-as-read'),
);

const to = '+16505551234';
const envelope = { messaging_product: 'whatsapp', to } as const;
const textMessage = (body: string) => ({ ...envelope, type: 'text', text: { body } });

function issuesOf(body: unknown): FieldIssue[] {
  const result = parseOutboundMessage(body);
  if (result.ok) throw new Error(`expected issues, parsed ${JSON.stringify(body).slice(0, 200)}`);
  return result.issues;
}

function fieldsOf(body: unknown): string[] {
  return issuesOf(body).map((issue) => issue.field);
}

function expectValid(body: unknown) {
  const result = parseOutboundMessage(body);
  expect(result.ok ? [] : result.issues).toEqual([]);
}

const repeat = (n: number, s = 'a') => s.repeat(n);

describe('Meta’s own example bodies', () => {
  it('finds the send fixtures', () => expect(sendFixtures.length).toBeGreaterThanOrEqual(10));

  it.each(sendFixtures)('%s is a valid message and comes back unchanged', (name) => {
    const body = fixture(name);
    const result = parseOutboundMessage(body);
    expect(result).toEqual({ ok: true, message: body });
  });

  it.each(['send-mark-as-read-request.json', 'send-mark-as-read-typing-request.json'])(
    '%s is a valid read receipt',
    (name) => {
      const body = fixture(name);
      expect(parseMarkAsRead(body)).toEqual({ ok: true, message: body });
    },
  );
});

describe('envelope', () => {
  it('defaults recipient_type to individual', () => {
    const result = parseOutboundMessage(textMessage('hi'));
    expect(result.ok && result.message.recipient_type).toBe('individual');
  });

  it('accepts group recipients syntactically (compatibility refuses them)', () => {
    expectValid({ ...textMessage('hi'), recipient_type: 'group', to: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTo' });
  });

  it('refuses other recipient types and another messaging_product', () => {
    expect(fieldsOf({ ...textMessage('hi'), recipient_type: 'channel' })).toEqual(['recipient_type']);
    expect(issuesOf({ ...textMessage('hi'), messaging_product: 'sms' })).toEqual([
      { field: 'messaging_product', message: 'must be "whatsapp"' },
    ]);
  });

  it('keeps fields Meta ignores, so nothing is lost on the way to Meta', () => {
    const result = parseOutboundMessage({
      ...textMessage('hi'),
      campaign: 'spring',
      text: { body: 'hi', x: 1 },
    });
    expect(result.ok && result.message).toMatchObject({ campaign: 'spring', text: { body: 'hi', x: 1 } });
  });

  it.each(['+16505551234', '16505551234', '+1 (650) 555-1234', 'US.13491208655302741918'])(
    'accepts %s as an individual recipient',
    (recipient) => expectValid({ ...textMessage('hi'), to: recipient }),
  );

  it.each(['12', 'hello', '+', '', 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTo'])(
    'refuses %j as an individual recipient',
    (recipient) => expect(fieldsOf({ ...textMessage('hi'), to: recipient })).toContain('to'),
  );

  it('reports a bad recipient together with other problems', () => {
    expect(fieldsOf({ ...textMessage(''), to: 'nobody', biz_opaque_callback_data: 7 })).toEqual(
      expect.arrayContaining(['to', 'text.body', 'biz_opaque_callback_data']),
    );
  });

  it('limits biz_opaque_callback_data to 512 characters', () => {
    expectValid({ ...textMessage('hi'), biz_opaque_callback_data: repeat(512) });
    expect(fieldsOf({ ...textMessage('hi'), biz_opaque_callback_data: repeat(513) })).toEqual([
      'biz_opaque_callback_data',
    ]);
  });

  it('needs a message id when replying in context', () => {
    expectValid({ ...textMessage('hi'), context: { message_id: 'wamid.X' } });
    expect(fieldsOf({ ...textMessage('hi'), context: { message_id: '' } })).toEqual(['context.message_id']);
    expect(fieldsOf({ ...textMessage('hi'), context: {} })).toEqual(['context.message_id']);
  });

  it('says when the body is not an object', () => {
    expect(issuesOf('hello')).toEqual([{ field: REQUEST_BODY_FIELD, message: 'must be an object' }]);
    expect(issuesOf(null)).toEqual([{ field: REQUEST_BODY_FIELD, message: 'must be an object' }]);
  });

  it('says which types exist when type is missing or unknown', () => {
    const [missing] = issuesOf({ ...envelope, text: { body: 'hi' } });
    expect(missing?.field).toBe('type');
    expect(missing?.message).toMatch(/^is required: one of .*"text".*"template"/);
    const [unknown] = issuesOf({ ...envelope, type: 'fax' });
    expect(unknown?.field).toBe('type');
    expect(unknown?.message).toMatch(/^"fax" is not supported here/);
  });

  it('names a missing object as required', () => {
    expect(issuesOf({ ...envelope, type: 'text' })).toEqual([{ field: 'text', message: 'is required' }]);
  });
});

describe('text', () => {
  it('takes 1 to 4096 characters', () => {
    expectValid(textMessage('a'));
    expectValid(textMessage(repeat(4096)));
    expect(issuesOf(textMessage(repeat(4097)))).toEqual([
      { field: 'text.body', message: 'must be at most 4096 characters (it has 4097)' },
    ]);
    expect(issuesOf(textMessage(''))).toEqual([{ field: 'text.body', message: 'must not be empty' }]);
  });

  it('counts an emoji as one character, not two UTF-16 units', () => {
    expectValid(textMessage(repeat(4096, '😀')));
    expect(fieldsOf(textMessage(repeat(4097, '😀')))).toEqual(['text.body']);
  });

  it('accepts any body of 1 to 4096 code points and refuses longer ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 4096 }), (body) => {
        expect(parseOutboundMessage(textMessage(body)).ok).toBe(true);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 4097, maxLength: 4200 }), (body) => {
        expect(fieldsOf(textMessage(body))).toEqual(['text.body']);
      }),
      { numRuns: 20 },
    );
  });

  it('wants preview_url as true or false', () => {
    expect(issuesOf({ ...envelope, type: 'text', text: { body: 'hi', preview_url: 'yes' } })).toEqual([
      { field: 'text.preview_url', message: 'must be true or false' },
    ]);
  });
});

describe('media', () => {
  const media = (type: string, object: Record<string, unknown>) => ({ ...envelope, type, [type]: object });

  it.each(['image', 'video', 'audio', 'document', 'sticker'])(
    '%s takes exactly one of id or link',
    (type) => {
      expectValid(media(type, { id: '1013859600285441' }));
      expectValid(media(type, { link: 'https://example.com/file' }));
      expect(issuesOf(media(type, {}))).toEqual([
        { field: type, message: 'needs id (an uploaded media id) or link (an https:// URL)' },
      ]);
      expect(issuesOf(media(type, { id: '1', link: 'https://example.com/file' }))).toEqual([
        { field: type, message: 'give either id or link, not both' },
      ]);
    },
  );

  it('wants https links', () => {
    expect(issuesOf(media('image', { link: 'http://example.com/a.png' }))).toEqual([
      { field: 'image.link', message: 'must be an https:// URL' },
    ]);
    expect(fieldsOf(media('image', { link: 'not a url' }))).toEqual(['image.link']);
  });

  it.each(['image', 'video', 'document'])('%s captions take up to 1024 characters', (type) => {
    expectValid(media(type, { id: '1', caption: repeat(1024) }));
    expect(fieldsOf(media(type, { id: '1', caption: repeat(1025) }))).toEqual([`${type}.caption`]);
  });

  it.each(['audio', 'sticker'])('%s has no caption', (type) => {
    expect(issuesOf(media(type, { id: '1', caption: 'hi' }))).toEqual([
      { field: `${type}.caption`, message: `${type} messages cannot have a caption` },
    ]);
  });

  it('gives documents, and only documents, a filename', () => {
    expectValid(media('document', { id: '1', filename: 'invoice.pdf' }));
    expect(fieldsOf(media('image', { id: '1', filename: 'a.png' }))).toEqual(['image.filename']);
  });
});

describe('location', () => {
  const location = (latitude: unknown, longitude: unknown, extra = {}) => ({
    ...envelope,
    type: 'location',
    location: { latitude, longitude, ...extra },
  });

  it('takes latitudes from -90 to 90 and longitudes from -180 to 180', () => {
    expectValid(location(90, 180, { name: 'HQ', address: '1 Hacker Way' }));
    expectValid(location(-90, -180));
    expectValid(location('37.483307', '-122.148981'));
    expect(fieldsOf(location(90.0001, 0))).toEqual(['location.latitude']);
    expect(fieldsOf(location(0, -180.5))).toEqual(['location.longitude']);
    expect(fieldsOf(location('', 'east'))).toEqual(['location.latitude', 'location.longitude']);
    expect(fieldsOf({ ...envelope, type: 'location', location: {} })).toEqual([
      'location.latitude',
      'location.longitude',
    ]);
  });
});

describe('contacts', () => {
  it('needs at least one contact with a formatted name', () => {
    expectValid({
      ...envelope,
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Pablo Morales', first_name: 'Pablo' },
          phones: [{ phone: '+1 650 555 1234' }],
        },
      ],
    });
    expect(fieldsOf({ ...envelope, type: 'contacts', contacts: [] })).toEqual(['contacts']);
    expect(
      fieldsOf({ ...envelope, type: 'contacts', contacts: [{ name: { first_name: 'Pablo' } }] }),
    ).toEqual(['contacts[0].name.formatted_name']);
  });
});

describe('interactive reply buttons', () => {
  const reply = (id: string, title = id) => ({ type: 'reply', reply: { id, title } });
  const buttons = (list: unknown[], body = 'Pick one') => ({
    ...envelope,
    type: 'interactive',
    interactive: { type: 'button', body: { text: body }, action: { buttons: list } },
  });

  it('takes 1 to 3 buttons', () => {
    expectValid(buttons([reply('a')]));
    expectValid(buttons([reply('a'), reply('b'), reply('c')]));
    expect(issuesOf(buttons([reply('a'), reply('b'), reply('c'), reply('d')]))).toEqual([
      { field: 'interactive.action.buttons', message: 'can have at most 3 buttons' },
    ]);
    expect(fieldsOf(buttons([]))).toEqual(['interactive.action.buttons']);
  });

  it('limits titles to 20 characters and ids to 256', () => {
    expectValid(buttons([reply(repeat(256, 'i'), repeat(20, 't'))]));
    expect(fieldsOf(buttons([reply('a', repeat(21))]))).toEqual([
      'interactive.action.buttons[0].reply.title',
    ]);
    expect(fieldsOf(buttons([reply(repeat(257), 'ok')]))).toEqual(['interactive.action.buttons[0].reply.id']);
    expect(fieldsOf(buttons([reply(' a ', 'ok')]))).toEqual(['interactive.action.buttons[0].reply.id']);
  });

  it('refuses two buttons with the same id or title', () => {
    expect(issuesOf(buttons([reply('a', 'Yes'), reply('a', 'No')]))).toEqual([
      { field: 'interactive.action.buttons[1]', message: 'button id "a" is used twice' },
    ]);
    expect(fieldsOf(buttons([reply('a', 'Yes'), reply('b', 'Yes')]))).toEqual([
      'interactive.action.buttons[1]',
    ]);
  });

  it('limits the body to 1024 characters', () => {
    expectValid(buttons([reply('a')], repeat(1024)));
    expect(fieldsOf(buttons([reply('a')], repeat(1025)))).toEqual(['interactive.body.text']);
  });

  it('checks headers by their type', () => {
    const withHeader = (header: unknown) => {
      const body = buttons([reply('a')]);
      return { ...body, interactive: { ...body.interactive, header } };
    };
    expectValid(withHeader({ type: 'text', text: repeat(60) }));
    expectValid(withHeader({ type: 'image', image: { link: 'https://example.com/a.png' } }));
    expect(fieldsOf(withHeader({ type: 'text', text: repeat(61) }))).toEqual(['interactive.header.text']);
    expect(fieldsOf(withHeader({ type: 'image', image: {} }))).toEqual(['interactive.header.image']);
  });
});

describe('interactive lists', () => {
  const row = (id: string, extra = {}) => ({ id, title: id, ...extra });
  const list = (sections: unknown[], extra = {}) => ({
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Choose' },
      action: { button: 'Options', sections },
      ...extra,
    },
  });
  const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => row(`${prefix}${i}`));

  it('takes up to 10 rows across all sections', () => {
    expectValid(
      list([
        { title: 'One', rows: rows(5, 'a') },
        { title: 'Two', rows: rows(5, 'b') },
      ]),
    );
    expect(
      issuesOf(
        list([
          { title: 'One', rows: rows(6, 'a') },
          { title: 'Two', rows: rows(5, 'b') },
        ]),
      ),
    ).toEqual([
      {
        field: 'interactive.action.sections',
        message: 'can have at most 10 rows across all sections (it has 11)',
      },
    ]);
  });

  it('takes 1 to 10 sections', () => {
    const sections = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ title: `S${i}`, rows: [row(`r${i}`)] }));
    expectValid(list(sections(10)));
    expect(fieldsOf(list(sections(11)))).toContain('interactive.action.sections');
    expect(fieldsOf(list([]))).toEqual(['interactive.action.sections']);
    expect(fieldsOf(list([{ title: 'Empty', rows: [] }]))).toEqual(['interactive.action.sections[0].rows']);
  });

  it('applies Meta’s text limits', () => {
    expectValid(list([{ rows: [row(repeat(200), { title: repeat(24), description: repeat(72) })] }]));
    expect(fieldsOf(list([{ rows: [row(repeat(201))] }]))).toEqual(
      expect.arrayContaining(['interactive.action.sections[0].rows[0].id']),
    );
    expect(fieldsOf(list([{ rows: [{ id: 'a', title: repeat(25) }] }]))).toEqual([
      'interactive.action.sections[0].rows[0].title',
    ]);
    expect(fieldsOf(list([{ rows: [row('a', { description: repeat(73) })] }]))).toEqual([
      'interactive.action.sections[0].rows[0].description',
    ]);
    expect(fieldsOf(list([{ title: repeat(25), rows: [row('a')] }]))).toEqual([
      'interactive.action.sections[0].title',
    ]);
    const longButton = list([{ rows: [row('a')] }]);
    longButton.interactive.action.button = repeat(21);
    expect(fieldsOf(longButton)).toEqual(['interactive.action.button']);
  });

  it('needs section titles when there are several sections, and unique row ids', () => {
    expect(fieldsOf(list([{ rows: [row('a')] }, { title: 'Two', rows: [row('b')] }]))).toEqual([
      'interactive.action.sections[0].title',
    ]);
    expect(
      issuesOf(
        list([
          { title: 'One', rows: [row('a')] },
          { title: 'Two', rows: [row('a')] },
        ]),
      ),
    ).toEqual([{ field: 'interactive.action.sections[1].rows[0].id', message: 'row id "a" is used twice' }]);
  });

  it('only takes a text header', () => {
    expect(
      issuesOf(list([{ rows: [row('a')] }], { header: { type: 'image', image: { id: '1' } } })),
    ).toContainEqual({
      field: 'interactive.header.type',
      message: 'list messages only take a text header',
    });
  });
});

describe('other interactive kinds', () => {
  const cta = (parameters: unknown) => ({
    ...envelope,
    type: 'interactive',
    interactive: { type: 'cta_url', body: { text: 'See dates' }, action: { name: 'cta_url', parameters } },
  });

  it('checks CTA URL buttons', () => {
    expectValid(cta({ display_text: repeat(20), url: 'https://www.luckyshrub.com?clickID=1' }));
    expect(fieldsOf(cta({ display_text: repeat(21), url: 'https://x.com' }))).toEqual([
      'interactive.action.parameters.display_text',
    ]);
    expect(fieldsOf(cta({ display_text: 'Go', url: 'luckyshrub' }))).toEqual([
      'interactive.action.parameters.url',
    ]);
  });

  it.each(['product', 'product_list', 'catalog_message', 'flow', 'call_permission_request', 'order_details'])(
    'lets %s through for the compatibility rule to judge',
    (kind) => expectValid({ ...envelope, type: 'interactive', interactive: { type: kind, action: {} } }),
  );

  it('refuses interactive kinds Meta does not have', () => {
    const [issue] = issuesOf({
      ...envelope,
      type: 'interactive',
      interactive: { type: 'carousel_of_dreams' },
    });
    expect(issue).toMatchObject({ field: 'interactive.type' });
    expect(issue?.message).toMatch(/"carousel_of_dreams" is not supported here/);
  });
});

describe('reactions', () => {
  const reaction = (emoji: unknown, message_id: unknown = 'wamid.X') => ({
    ...envelope,
    type: 'reaction',
    reaction: { message_id, emoji },
  });

  it.each(['😀', '👍🏽', '🇧🇷', '👨‍👩‍👧', '❤️', ''])('accepts %j', (emoji) => expectValid(reaction(emoji)));

  it.each(['a', 'ok', '😀😀', ' 😀'])('refuses %j', (emoji) => {
    expect(fieldsOf(reaction(emoji))).toEqual(['reaction.emoji']);
  });

  it('needs the message it reacts to', () => {
    expect(fieldsOf(reaction('😀', ''))).toEqual(['reaction.message_id']);
  });

  it('isReactionEmoji matches what the schema accepts', () => {
    expect(isReactionEmoji('🙂')).toBe(true);
    expect(isReactionEmoji('x')).toBe(false);
  });
});

describe('templates', () => {
  const template = (tpl: unknown) => ({ ...envelope, type: 'template', template: tpl });

  it('points at the parameter a marketer has to fix', () => {
    const issues = issuesOf(
      template({
        name: 'order_confirmation',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Jessica' }, { type: 'text' }] }],
      }),
    );
    expect(issues).toEqual([{ field: 'template.components[0].parameters[1].text', message: 'is required' }]);
  });

  it('knows Meta’s parameter kinds and their shapes', () => {
    expectValid(
      template({
        name: 'sale',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [
          { type: 'header', parameters: [{ type: 'location', location: { latitude: 1, longitude: 2 } }] },
          {
            type: 'body',
            parameters: [
              { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
              { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
            ],
          },
          {
            type: 'button',
            sub_type: 'copy_code',
            index: 0,
            parameters: [{ type: 'coupon_code', coupon_code: 'X' }],
          },
        ],
      }),
    );
    expect(
      fieldsOf(
        template({
          name: 'sale',
          language: { code: 'en_US' },
          components: [
            { type: 'body', parameters: [{ type: 'money', amount: 1 }] },
            {
              type: 'body',
              parameters: [
                { type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1.5 } },
              ],
            },
            { type: 'header', parameters: [{ type: 'image', image: {} }] },
          ],
        }),
      ),
    ).toEqual([
      'template.components[0].parameters[0].type',
      'template.components[1].parameters[0].currency.code',
      'template.components[1].parameters[0].currency.amount_1000',
      'template.components[2].parameters[0].image',
    ]);
  });

  it('needs a name, a language code, and button indexes', () => {
    expect(fieldsOf(template({ language: { code: 'en' } }))).toEqual(['template.name']);
    expect(fieldsOf(template({ name: 'x', language: 'en' }))).toEqual(['template.language']);
    expect(
      fieldsOf(
        template({
          name: 'x',
          language: { code: 'en' },
          components: [{ type: 'button', sub_type: 'url', index: 'first' }],
        }),
      ),
    ).toEqual(['template.components[0].index']);
    expect(
      fieldsOf(template({ name: 'x', language: { code: 'en' }, components: [{ type: 'footer' }] })),
    ).toEqual(['template.components[0].type']);
  });
});

describe('mark as read', () => {
  it('refuses other statuses and typing indicators', () => {
    const read = { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' };
    expect(parseMarkAsRead({ ...read, status: 'delivered' })).toEqual({
      ok: false,
      issues: [{ field: 'status', message: 'must be "read"' }],
    });
    expect(parseMarkAsRead({ ...read, typing_indicator: { type: 'audio' } })).toMatchObject({
      ok: false,
      issues: [{ field: 'typing_indicator.type' }],
    });
    expect(parseMarkAsRead({ ...read, message_id: '' })).toMatchObject({
      ok: false,
      issues: [{ field: 'message_id' }],
    });
  });
});

describe('formatFieldPath', () => {
  it('writes paths the way they look in JSON', () => {
    expect(formatFieldPath(['template', 'components', 0, 'parameters', 1, 'text'])).toBe(
      'template.components[0].parameters[1].text',
    );
    expect(formatFieldPath([])).toBe(REQUEST_BODY_FIELD);
    expect(formatFieldPath(['odd key', 2])).toBe('["odd key"][2]');
  });
});

describe('robustness', () => {
  it('never throws, and always answers with a message or at least one issue naming a field', () => {
    const check = (body: unknown) => {
      const result = parseOutboundMessage(body);
      if (!result.ok) {
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(issue.field).not.toBe('');
          expect(issue.message).not.toBe('');
        }
      }
    };
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 });
    fc.assert(fc.property(fc.anything(), check), { numRuns: 300 });
  });

  it('never throws on bodies that look almost right', () => {
    const almost = fc.record(
      {
        messaging_product: fc.constantFrom('whatsapp', 'sms', 1),
        to: fc.oneof(fc.constant(to), fc.string(), fc.integer()),
        type: fc.constantFrom(
          'text',
          'template',
          'image',
          'interactive',
          'reaction',
          'location',
          'contacts',
          'x',
        ),
        text: fc.jsonValue(),
        template: fc.jsonValue(),
        image: fc.jsonValue(),
        interactive: fc.jsonValue(),
        reaction: fc.jsonValue(),
        location: fc.jsonValue(),
        contacts: fc.jsonValue(),
      },
      { requiredKeys: ['messaging_product', 'type'] },
    );
    fc.assert(
      fc.property(almost, (body) => {
        parseOutboundMessage(body);
      }),
      { numRuns: 500 },
    );
  });
});
