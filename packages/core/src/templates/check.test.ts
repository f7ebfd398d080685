import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OutboundTemplate, parseOutboundMessage } from '../messages/outbound.js';
import { checkTemplateMessage, type TemplateProblem } from './check.js';
import { parseTemplateDefinition, parseTemplateList, type TemplateDefinition } from './definition.js';

const PAYLOADS = new URL('../../../../fixtures/meta/payloads/', import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, PAYLOADS), 'utf8')) as Record<string, unknown>;

/** The `template` object of a send body, validated by the outbound schema as the API would. */
function templateOf(body: unknown): OutboundTemplate {
  const parsed = parseOutboundMessage(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  if (parsed.message.type !== 'template') throw new Error('not a template message');
  return parsed.message.template;
}

function send(name: string, language: string, components?: unknown[]): OutboundTemplate {
  return templateOf({
    messaging_product: 'whatsapp',
    to: '+16505551234',
    type: 'template',
    template: { name, language: { code: language }, ...(components ? { components } : {}) },
  });
}

function define(template: Record<string, unknown>): TemplateDefinition {
  const parsed = parseTemplateDefinition({
    id: '900',
    status: 'APPROVED',
    category: 'MARKETING',
    ...template,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.template;
}

const listed = parseTemplateList(fixture('templates-list-response.json')).templates;
const coupon = listed.find((t) => t.name === 'coupon_expiration_reminder_number_vars')!;
const reservation = listed.find((t) => t.name === 'reservation_confirmation')!;

const orderRequest = fixture('template-create-named-request.json');
const orderNamed = define({ ...orderRequest, id: '1001' });
const orderPositional = define({
  ...orderRequest,
  id: '1002',
  parameter_format: 'positional',
  components: [{ type: 'body', text: 'Thank you, {{1}}! Your order number is {{2}}.' }],
});

const welcome = define({
  name: 'welcome_discount_template',
  language: 'en_US',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{first_name}}! Use {{discount_code}} to get {{discount_amount}} off.' },
  ],
});

const helloWorld = define({
  name: 'hello_world',
  language: 'en_US',
  components: [{ type: 'BODY', text: 'Hello World' }],
});

const text = (value: string, parameter_name?: string) => ({
  type: 'text',
  text: value,
  ...(parameter_name ? { parameter_name } : {}),
});
const body = (...parameters: unknown[]) => ({ type: 'body', parameters });
const header = (...parameters: unknown[]) => ({ type: 'header', parameters });
const button = (index: number | string, sub_type: string, ...parameters: unknown[]) => ({
  type: 'button',
  sub_type,
  index,
  parameters,
});

function problemsOf(templates: TemplateDefinition[], template: OutboundTemplate): TemplateProblem[] {
  const result = checkTemplateMessage(templates, template);
  if (result.ok) throw new Error('expected a refusal');
  expect(result.refusal.code).toBe('template_parameter_mismatch');
  return result.refusal.details?.problems as TemplateProblem[];
}

function expectAllowed(
  templates: TemplateDefinition[],
  template: OutboundTemplate,
  definition: TemplateDefinition,
) {
  const result = checkTemplateMessage(templates, template);
  expect(result.ok ? result.value : result.refusal).toBe(definition);
}

const all = [...listed, orderNamed, welcome, helloWorld];

describe('Meta’s example sends', () => {
  it('send-template-buttons-request.json fits coupon_expiration_reminder_number_vars', () => {
    expectAllowed(all, templateOf(fixture('send-template-buttons-request.json')), coupon);
  });

  it('send-template-request.json (named) fits the named order_confirmation', () => {
    expectAllowed(all, templateOf(fixture('send-template-request.json')), orderNamed);
  });

  it('send-template-positional-request.json fits a positional order_confirmation', () => {
    expectAllowed(
      [orderPositional],
      templateOf(fixture('send-template-positional-request.json')),
      orderPositional,
    );
  });

  it('send-template-header-image-named-request.json fits a named template with an image header', () => {
    expectAllowed(all, templateOf(fixture('send-template-header-image-named-request.json')), welcome);
  });

  it('a named send does not fit a positional template, nor the other way round', () => {
    expect(
      problemsOf([orderPositional], templateOf(fixture('send-template-request.json'))).map((p) => p.field),
    ).toEqual([
      'template.components[0].parameters[0].parameter_name',
      'template.components[0].parameters[1].parameter_name',
    ]);
    const problems = problemsOf([orderNamed], templateOf(fixture('send-template-positional-request.json')));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toEqual({
      component: 'body',
      field: 'template.components[0].parameters[0].parameter_name',
      expected: 'a parameter_name, one of first_name, order_number',
      got: 'no parameter_name',
    });
    expect(problems[2]).toMatchObject({ got: 'none for {{first_name}}, {{order_number}}' });
  });

  it('hello_world takes no components at all', () => {
    expectAllowed(all, send('hello_world', 'en_US'), helloWorld);
  });
});

describe('which template', () => {
  it('refuses a name the account does not have', () => {
    const result = checkTemplateMessage(all, send('spring_sale', 'en_US'));
    expect(result).toMatchObject({
      ok: false,
      refusal: { code: 'template_not_found', details: { name: 'spring_sale', language: 'en_US' } },
    });
    expect(!result.ok && result.refusal.message).toMatch(/no template named "spring_sale"/);
  });

  it('refuses a language the template is not in, naming the ones it is in', () => {
    const spanish = define({ ...orderRequest, id: '1003', language: 'es' });
    const result = checkTemplateMessage([orderNamed, spanish], send('order_confirmation', 'en'));
    expect(result).toMatchObject({
      ok: false,
      refusal: { code: 'template_not_found', details: { available_languages: ['en_US', 'es'] } },
    });
    expect(!result.ok && result.refusal.message).toMatch(/no "en" translation .*132001.* en_US, es/);
  });

  it('matches the language code exactly', () => {
    expect(checkTemplateMessage(all, send('coupon_expiration_reminder_number_vars', 'en_US')).ok).toBe(false);
    expect(checkTemplateMessage(all, send('Coupon_expiration_reminder_number_vars', 'en')).ok).toBe(false);
  });

  it.each([
    ['PAUSED', /PAUSED.*132015.*edit it/],
    ['DISABLED', /DISABLED.*create a new template/],
    ['PENDING', /PENDING.*still reviewing/],
    ['REJECTED', /REJECTED.*submit it again/],
    ['IN_APPEAL', /IN_APPEAL.*appeal/],
    ['SOME_NEW_STATUS', /SOME_NEW_STATUS, not APPROVED: only approved templates can be sent/],
  ])('refuses a %s template and says what to do', (status, message) => {
    const template = define({ ...orderRequest, status });
    const result = checkTemplateMessage([template], templateOf(fixture('send-template-request.json')));
    expect(result).toMatchObject({
      ok: false,
      refusal: { code: 'template_not_approved', details: { status } },
    });
    expect(!result.ok && result.refusal.message).toMatch(message);
  });

  it('prefers the approved copy when a stale one is cached beside it', () => {
    const paused = define({ ...orderRequest, id: '1', status: 'PAUSED' });
    expectAllowed([paused, orderNamed], templateOf(fixture('send-template-request.json')), orderNamed);
  });
});

describe('body parameters', () => {
  const order = (...parameters: unknown[]) => send('order_confirmation', 'en_US', [body(...parameters)]);

  it('wants exactly one value per positional placeholder', () => {
    expectAllowed([orderPositional], order(text('Jessica'), text('SKBUP2')), orderPositional);
    expect(problemsOf([orderPositional], order(text('Jessica')))).toEqual([
      {
        component: 'body',
        field: 'template.components[0].parameters',
        expected: '2 parameters for {{1}}, {{2}}, in that order',
        got: '1 parameter',
      },
    ]);
    expect(problemsOf([orderPositional], order(text('a'), text('b'), text('c')))[0]).toMatchObject({
      got: '3 parameters',
    });
    expect(problemsOf([orderPositional], send('order_confirmation', 'en_US'))).toEqual([
      {
        component: 'body',
        expected: '2 parameters for {{1}}, {{2}}, in that order',
        got: 'no body component',
      },
    ]);
  });

  it('counts a repeated positional placeholder once', () => {
    const repeated = define({
      name: 'repeat',
      language: 'en',
      components: [{ type: 'BODY', text: '{{1}}, yes {{1}}: your code is {{2}}' }],
    });
    expectAllowed([repeated], send('repeat', 'en', [body(text('Ana'), text('X1'))]), repeated);
  });

  it('accepts text, currency and date_time values, and nothing else', () => {
    const currency = {
      type: 'currency',
      currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 },
    };
    const dateTime = { type: 'date_time', date_time: { fallback_value: 'May 1' } };
    expectAllowed([orderPositional], order(currency, dateTime), orderPositional);
    expect(problemsOf([orderPositional], order(text('a'), { type: 'image', image: { id: '1' } }))).toEqual([
      {
        component: 'body',
        field: 'template.components[0].parameters[1]',
        expected: 'a text, currency, date_time parameter',
        got: 'an image parameter',
      },
    ]);
  });

  it.each([
    ['empty', '', 'empty text'],
    ['blank', '   ', 'empty text'],
    ['with a line break', 'two\nlines', '"two\\nlines"'],
    ['with a tab', 'a\tb', '"a\\tb"'],
    ['with five spaces in a row', 'a     b', '"a     b"'],
  ])('refuses text that is %s', (_, value, got) => {
    expect(problemsOf([orderPositional], order(text(value), text('ok')))).toEqual([
      expect.objectContaining({ field: 'template.components[0].parameters[0].text', got }),
    ]);
  });

  it('accepts four spaces in a row', () => {
    expectAllowed([orderPositional], order(text('a    b'), text('ok')), orderPositional);
  });

  it('wants every named placeholder once, in any order, and no others', () => {
    expectAllowed(
      [orderNamed],
      order(text('SKBUP2', 'order_number'), text('Jessica', 'first_name')),
      orderNamed,
    );
    expect(problemsOf([orderNamed], order(text('Jessica', 'first_name')))).toEqual([
      {
        component: 'body',
        field: 'template.components[0].parameters',
        expected: 'a value for {{first_name}}, {{order_number}}',
        got: 'none for {{order_number}}',
      },
    ]);
    expect(
      problemsOf(
        [orderNamed],
        order(text('J', 'first_name'), text('S', 'order_number'), text('x', 'coupon')),
      ),
    ).toEqual([
      {
        component: 'body',
        field: 'template.components[0].parameters[2].parameter_name',
        expected: 'a parameter_name the template has: first_name, order_number',
        got: '"coupon"',
      },
    ]);
    expect(
      problemsOf(
        [orderNamed],
        order(text('J', 'first_name'), text('S', 'order_number'), text('K', 'first_name')),
      ),
    ).toEqual([expect.objectContaining({ field: 'template.components[0].parameters[2].parameter_name' })]);
  });

  it('refuses values for a body without placeholders', () => {
    expect(problemsOf([helloWorld], send('hello_world', 'en_US', [body(text('x'))]))).toEqual([
      {
        component: 'body',
        field: 'template.components[0]',
        expected: "no parameters (the template's body has no placeholders)",
        got: '1 parameter',
      },
    ]);
    expectAllowed([helloWorld], send('hello_world', 'en_US', [body()]), helloWorld);
  });

  it('refuses a second body component', () => {
    const twice = send('order_confirmation', 'en_US', [
      body(text('a'), text('b')),
      body(text('a'), text('b')),
    ]);
    expect(problemsOf([orderPositional], twice)).toEqual([
      {
        component: 'body',
        field: 'template.components[1]',
        expected: 'one body component',
        got: 'another one',
      },
    ]);
  });

  it('holds for any number of positional placeholders and values: allowed exactly when they match', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), (placeholders, values) => {
        const bodyText =
          Array.from({ length: placeholders }, (_, i) => `part {{${i + 1}}}`).join(' and ') || 'Hello';
        const definition = define({
          name: 'generated',
          language: 'en',
          components: [{ type: 'BODY', text: bodyText }],
        });
        const parameters = Array.from({ length: values }, (_, i) => text(`value ${i}`));
        const result = checkTemplateMessage([definition], send('generated', 'en', [body(...parameters)]));
        expect(result.ok).toBe(placeholders === values);
      }),
    );
  });
});

describe('header parameters', () => {
  const couponSend = (components: unknown[]) =>
    send('coupon_expiration_reminder_number_vars', 'en', components);
  const couponBody = body(text('SUMMER20'), text('10'));

  it('wants one text value for a text header with {{1}}', () => {
    expect(problemsOf([coupon], couponSend([couponBody]))).toEqual([
      {
        component: 'header',
        expected: '1 parameter for {{1}}, in that order',
        got: 'no header component',
      },
    ]);
    expect(
      problemsOf([coupon], couponSend([header(text('Pablo'), text('Ana')), couponBody]))[0],
    ).toMatchObject({
      component: 'header',
      got: '2 parameters',
    });
    expect(
      problemsOf(
        [coupon],
        couponSend([header({ type: 'date_time', date_time: { fallback_value: 'x' } }), couponBody]),
      ),
    ).toEqual([
      expect.objectContaining({
        component: 'header',
        expected: 'a text parameter',
        got: 'a date_time parameter',
      }),
    ]);
  });

  it('wants the media of a media header', () => {
    const welcomeBody = body(
      text('Jessica', 'first_name'),
      text('WELCOME25', 'discount_code'),
      text('25%', 'discount_amount'),
    );
    const welcomeSend = (components: unknown[]) => send('welcome_discount_template', 'en_US', components);
    expectAllowed(
      [welcome],
      welcomeSend([header({ type: 'image', image: { link: 'https://example.com/a.png' } }), welcomeBody]),
      welcome,
    );
    expect(problemsOf([welcome], welcomeSend([welcomeBody]))).toEqual([
      {
        component: 'header',
        expected: 'one image parameter (the template has a image header)',
        got: 'no header component',
      },
    ]);
    expect(
      problemsOf([welcome], welcomeSend([header({ type: 'video', video: { id: '1' } }), welcomeBody])),
    ).toEqual([expect.objectContaining({ component: 'header', got: 'a video parameter' })]);
    expect(problemsOf([welcome], welcomeSend([header(), welcomeBody]))).toEqual([
      expect.objectContaining({ component: 'header', got: '0 parameters' }),
    ]);
  });

  it('wants a location for a location header', () => {
    const store = define({
      name: 'store_hours',
      language: 'en',
      components: [
        { type: 'HEADER', format: 'LOCATION' },
        { type: 'BODY', text: 'We are here.' },
      ],
    });
    const location = { type: 'location', location: { latitude: 37.48, longitude: -122.14 } };
    expectAllowed([store], send('store_hours', 'en', [header(location)]), store);
    expect(problemsOf([store], send('store_hours', 'en', [header(text('here'))]))[0]).toMatchObject({
      got: 'a text parameter',
    });
  });

  it('refuses a header for a template without one', () => {
    expect(problemsOf([helloWorld], send('hello_world', 'en_US', [header(text('x'))]))).toEqual([
      {
        component: 'header',
        field: 'template.components[0]',
        expected: 'no header component (the template has no header)',
        got: 'a header component',
      },
    ]);
  });

  it('refuses two header components', () => {
    const problems = problemsOf(
      [coupon],
      couponSend([header(text('Pablo')), header(text('Ana')), couponBody]),
    );
    expect(problems).toEqual([
      {
        component: 'header',
        field: 'template.components[1]',
        expected: 'one header component',
        got: 'another one',
      },
    ]);
  });
});

describe('button parameters', () => {
  const couponComponents = [header(text('Pablo')), body(text('SUMMER20'), text('10'))];
  const couponSend = (...buttons: unknown[]) =>
    send('coupon_expiration_reminder_number_vars', 'en', [...couponComponents, ...buttons]);

  it('leaves quick-reply payloads optional', () => {
    expectAllowed([coupon], couponSend(), coupon);
    expectAllowed(
      [coupon],
      couponSend(button('1', 'quick_reply', { type: 'payload', payload: 'STOP' })),
      coupon,
    );
  });

  it('takes quick-reply payloads only at quick-reply buttons', () => {
    expect(
      problemsOf([coupon], couponSend(button(0, 'quick_reply', { type: 'payload', payload: 'x' }))),
    ).toEqual([
      {
        component: 'button',
        index: 0,
        field: 'template.components[2].sub_type',
        expected: 'sub_type "url" (button 0 is the URL button "See deals")',
        got: '"quick_reply"',
      },
    ]);
    expect(problemsOf([coupon], couponSend(button('1', 'quick_reply', text('x'))))[0]).toMatchObject({
      expected: '1 payload parameter',
      got: 'a text parameter',
    });
  });

  it('refuses buttons the template does not have, and the same button twice', () => {
    expect(
      problemsOf([coupon], couponSend(button(2, 'quick_reply', { type: 'payload', payload: 'x' }))),
    ).toEqual([
      expect.objectContaining({ index: 2, expected: 'a button index from 0 to 1', got: 'index 2' }),
    ]);
    expect(
      problemsOf(
        [helloWorld],
        send('hello_world', 'en_US', [button(0, 'quick_reply', { type: 'payload', payload: 'x' })]),
      ),
    ).toEqual([expect.objectContaining({ expected: 'no button components (the template has no buttons)' })]);
    const payload = { type: 'payload', payload: 'x' };
    expect(
      problemsOf(
        [coupon],
        couponSend(button(1, 'quick_reply', payload), button('1', 'quick_reply', payload)),
      ),
    ).toEqual([expect.objectContaining({ index: 1, expected: 'one component for button 1', got: 'two' })]);
  });

  it('refuses parameters for a URL without a {{1}} suffix and for phone buttons', () => {
    expect(problemsOf([coupon], couponSend(button(0, 'url', text('summer'))))).toEqual([
      expect.objectContaining({
        index: 0,
        expected: 'no parameters (the URL button "See deals" has a fixed URL)',
        got: '1 parameter',
      }),
    ]);
    const reservationBody = body(
      text('4', 'number_of_guests'),
      text('Saturday', 'day'),
      text('August 30th', 'date'),
      text('7:30 pm', 'time'),
    );
    const image = header({ type: 'image', image: { id: '1' } });
    expectAllowed(
      [reservation],
      send('reservation_confirmation', 'en_US', [image, reservationBody]),
      reservation,
    );
    expect(
      problemsOf(
        [reservation],
        send('reservation_confirmation', 'en_US', [image, reservationBody, button(1, 'url', text('x'))]),
      ),
    ).toEqual([
      expect.objectContaining({
        index: 1,
        expected: 'no component: the PHONE_NUMBER button "Call us" takes no parameters',
      }),
    ]);
  });

  const tracking = define({
    name: 'order_shipped',
    language: 'en',
    components: [
      { type: 'BODY', text: 'Your order has shipped.' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Track', url: 'https://shop.example.com/track/{{1}}' },
          { type: 'COPY_CODE', example: ['SAVE10'] },
          { type: 'FLOW', text: 'Rate us' },
        ],
      },
    ],
  });
  const trackingSend = (...buttons: unknown[]) => send('order_shipped', 'en', buttons);
  const code = (value: string) => button(1, 'copy_code', { type: 'coupon_code', coupon_code: value });

  it('needs the suffix of a dynamic URL and the code of a copy-code button', () => {
    expectAllowed([tracking], trackingSend(button(0, 'url', text('A123')), code('SAVE10')), tracking);
    expect(problemsOf([tracking], trackingSend())).toEqual([
      {
        component: 'button',
        index: 0,
        expected:
          'a "url" button component with 1 text parameter for the end of its URL at index 0 (the URL button "Track")',
        got: 'none',
      },
      {
        component: 'button',
        index: 1,
        expected:
          'a "copy_code" button component with 1 coupon_code parameter at index 1 (the COPY_CODE button)',
        got: 'none',
      },
    ]);
  });

  it('checks what those buttons carry', () => {
    const url = (...parameters: unknown[]) => button(0, 'url', ...parameters);
    expect(problemsOf([tracking], trackingSend(url(), code('SAVE10')))[0]).toMatchObject({
      expected: '1 text parameter',
      got: '0 parameters',
    });
    expect(problemsOf([tracking], trackingSend(url(text('')), code('SAVE10')))[0]).toMatchObject({
      field: 'template.components[0].parameters[0].text',
      got: 'empty text',
    });
    expect(
      problemsOf([tracking], trackingSend(url(text('A1')), button(1, 'copy_code', text('SAVE10'))))[0],
    ).toMatchObject({ expected: '1 coupon_code parameter', got: 'a text parameter' });
    expectAllowed([tracking], trackingSend(url(text('A1')), code('A'.repeat(15))), tracking);
    expect(problemsOf([tracking], trackingSend(url(text('A1')), code('A'.repeat(16))))[0]).toMatchObject({
      expected: 'a code of at most 15 characters',
      got: '16 characters',
    });
  });

  it('lets a flow button take an optional action', () => {
    const flow = (...parameters: unknown[]) => button(2, 'flow', ...parameters);
    const required = [button(0, 'url', text('A1')), code('SAVE10')];
    expectAllowed([tracking], trackingSend(...required, flow()), tracking);
    expectAllowed(
      [tracking],
      trackingSend(...required, flow({ type: 'action', action: { flow_token: 't' } })),
      tracking,
    );
    expect(problemsOf([tracking], trackingSend(...required, flow(text('x'))))[0]).toMatchObject({
      expected: 'an action parameter',
    });
  });

  it('needs the code on the button of an authentication template', () => {
    const otp = define({
      name: 'login_code',
      language: 'en',
      category: 'AUTHENTICATION',
      components: [
        { type: 'BODY', text: '*{{1}}* is your verification code.' },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ],
    });
    expectAllowed(
      [otp],
      send('login_code', 'en', [body(text('123456')), button(0, 'url', text('123456'))]),
      otp,
    );
    expect(problemsOf([otp], send('login_code', 'en', [body(text('123456'))]))).toEqual([
      expect.objectContaining({
        index: 0,
        expected: expect.stringMatching(/^a "url" button component with 1 text parameter carrying the code/),
      }),
    ]);
  });
});

describe('other components', () => {
  it('refuses a carousel for a template without one', () => {
    expect(problemsOf([helloWorld], send('hello_world', 'en_US', [{ type: 'carousel', cards: [] }]))).toEqual(
      [expect.objectContaining({ component: 'carousel', field: 'template.components[0]' })],
    );
  });
});

describe('the refusal', () => {
  it('lists every problem and summarises them for a marketer', () => {
    const result = checkTemplateMessage(
      [coupon],
      send('coupon_expiration_reminder_number_vars', 'en', [body(text('SUMMER20'))]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.details).toMatchObject({
      name: 'coupon_expiration_reminder_number_vars',
      language: 'en',
      template_id: '1304694804498707',
    });
    expect(result.refusal.details?.problems).toHaveLength(2);
    expect(result.refusal.message).toBe(
      'Template "coupon_expiration_reminder_number_vars" (en) does not fit the parameters sent: ' +
        'header: expected 1 parameter for {{1}}, in that order, got no header component; ' +
        'template.components[0].parameters: expected 2 parameters for {{1}}, {{2}}, in that order, got 1 parameter.',
    );
  });
});
