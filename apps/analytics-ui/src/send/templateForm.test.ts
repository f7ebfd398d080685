import { describe, expect, it } from 'vitest';
import {
  COUPON_REMINDER,
  HELLO_WORLD,
  ORDER_CONFIRMATION,
  SHIPPING_UPDATE,
  template,
  WELCOME_DISCOUNT,
} from '../test/templates.js';
import {
  buildComponents,
  extractPlaceholders,
  fieldProblems,
  previewTemplate,
  sendableTemplates,
  templateFields,
  templateMessage,
} from './templateForm.js';

describe('placeholders', () => {
  it('finds positional and named ones once, in order, and nothing else in braces', () => {
    expect(extractPlaceholders('Hi {{1}}, order {{2}}, again {{1}}')).toEqual(['1', '2']);
    expect(extractPlaceholders('Thanks {{first_name}} {{ spaced }} {{Upper}} {{0}}')).toEqual(['first_name']);
  });
});

describe('the form of a template', () => {
  it('has no fields for hello_world', () => {
    expect(templateFields(HELLO_WORLD)).toEqual([]);
    expect(buildComponents(HELLO_WORLD, {})).toEqual([]);
    expect(templateMessage(HELLO_WORLD, '5511912345678', {})).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511912345678',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
  });

  it('has a field per positional placeholder, with Meta’s examples, and one for the URL suffix', () => {
    const fields = templateFields(SHIPPING_UPDATE);
    expect(fields.map((f) => [f.id, f.label, f.example])).toEqual([
      ['body.1', '{{1}}', 'Pablo'],
      ['body.2', '{{2}}', '860198-230332'],
      ['body.3', '{{3}}', 'Friday'],
      ['button.0', 'End of the “Track package” button’s address', '860198-230332'],
    ]);
    const values = { 'body.1': 'Ana', 'body.2': 'A-1', 'body.3': 'Monday', 'button.0': 'A-1' };
    expect(buildComponents(SHIPPING_UPDATE, values)).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'A-1' },
          { type: 'text', text: 'Monday' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
    ]);
    expect(previewTemplate(SHIPPING_UPDATE, values)).toEqual({
      header: null,
      headerMedia: null,
      body: 'Hi Ana, your order A-1 has shipped and should arrive on Monday.',
      footer: 'Reply STOP to stop these updates',
      buttons: ['Track package'],
    });
  });

  it('names named parameters', () => {
    const fields = templateFields(ORDER_CONFIRMATION);
    expect(fields.map((f) => [f.id, f.label, f.example])).toEqual([
      ['body.first_name', 'First name', 'Pablo'],
      ['body.order_number', 'Order number', '860198-230332'],
    ]);
    expect(
      buildComponents(ORDER_CONFIRMATION, { 'body.first_name': ' Ana ', 'body.order_number': '7' }),
    ).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', parameter_name: 'first_name', text: 'Ana' },
          { type: 'text', parameter_name: 'order_number', text: '7' },
        ],
      },
    ]);
  });

  it('asks for a media header’s link and a copy-code button’s code, not for quick replies', () => {
    const fields = templateFields(WELCOME_DISCOUNT);
    expect(fields.map((f) => [f.id, f.kind])).toEqual([
      ['header.media', 'image'],
      ['body.first_name', 'text'],
      ['body.discount_code', 'text'],
      ['button.0', 'coupon_code'],
    ]);
    const components = buildComponents(WELCOME_DISCOUNT, {
      'header.media': 'https://example.com/a.jpg',
      'body.first_name': 'Ana',
      'body.discount_code': 'WELCOME25',
      'button.0': 'WELCOME25',
    });
    expect(components[0]).toEqual({
      type: 'header',
      parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }],
    });
    expect(components[2]).toEqual({
      type: 'button',
      sub_type: 'copy_code',
      index: '0',
      parameters: [{ type: 'coupon_code', coupon_code: 'WELCOME25' }],
    });
    expect(previewTemplate(WELCOME_DISCOUNT, {}).headerMedia).toBe('image');
  });

  it('sends positional parameters in number order, header and body apart', () => {
    expect(templateFields(COUPON_REMINDER).map((f) => f.id)).toEqual(['header.1', 'body.1', 'body.2']);
    expect(
      buildComponents(COUPON_REMINDER, { 'header.1': 'Ana', 'body.1': 'SUMMER', 'body.2': '10' }).map(
        (c) => c.type,
      ),
    ).toEqual(['header', 'body']);
    expect(previewTemplate(COUPON_REMINDER, { 'header.1': 'Ana' }).header).toBe('Act fast, Ana!');
    expect(previewTemplate(COUPON_REMINDER, {}).body).toBe('Your code {{2}} and {{1}} expire.');
  });

  it('says what is missing or refused, field by field', () => {
    const fields = templateFields(WELCOME_DISCOUNT);
    expect(
      fieldProblems(fields, {
        'header.media': 'http://insecure',
        'body.first_name': 'Ana\nMaria',
        'body.discount_code': '   ',
        'button.0': 'A-CODE-LONGER-THAN-15',
      }),
    ).toEqual({
      'header.media': 'A link starting with https://',
      'body.first_name': 'No line breaks, tabs or more than four spaces in a row.',
      'body.discount_code': 'Fill this in.',
      'button.0': 'At most 15 characters.',
    });
  });
});

describe('which templates can be sent', () => {
  it('offers only approved templates of the number’s account and counts the rest', () => {
    const list = [
      SHIPPING_UPDATE,
      HELLO_WORLD,
      template({ name: 'paused_one', status: 'PAUSED', components: [] }),
      template({ name: 'pending', status: 'PENDING', components: [] }),
      template({ name: 'other_waba', waba_id: 'w2', components: [] }),
    ];
    const { approved, hidden } = sendableTemplates(list, 'w1');
    expect(approved.map((t) => t.name)).toEqual(['hello_world', 'shipping_update']);
    expect(hidden).toBe(2);
  });
});
