import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseTemplateDefinition,
  parseTemplateList,
  templateBody,
  templateButtons,
  templateHeader,
} from './definition.js';

const PAYLOADS = new URL('../../../../fixtures/meta/payloads/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, PAYLOADS), 'utf8'));

describe('template lists from Meta', () => {
  it('reads every template of a full list page', () => {
    const { templates, skipped } = parseTemplateList(fixture('templates-list-response.json'));
    expect(skipped).toEqual([]);
    expect(templates.map((t) => [t.name, t.language, t.status, t.parameter_format])).toEqual([
      ['reservation_confirmation', 'en_US', 'APPROVED', 'NAMED'],
      ['coupon_expiration_reminder_number_vars', 'en', 'APPROVED', 'POSITIONAL'],
    ]);
    const coupon = templates[1]!;
    expect(templateHeader(coupon)).toMatchObject({ format: 'TEXT', text: 'Act fast, {{1}}!' });
    expect(templateBody(coupon)?.text).toMatch(/^Just a quick reminder/);
    expect(templateButtons(coupon).map((b) => b.type)).toEqual(['URL', 'QUICK_REPLY']);
    expect(templateHeader(templates[0]!)?.format).toBe('IMAGE');
  });

  it('skips, and says why, entries listed without language or components', () => {
    const { templates, skipped } = parseTemplateList(fixture('templates-list-fields-response.json'));
    expect(templates).toEqual([]);
    expect(skipped.map((s) => s.name)).toEqual([
      'reservation_confirmation',
      'coupon_expiration_reminder_number_vars',
      'coupon_expiration_reminder_named_vars',
      'address_update',
      'reservation_confirmation_short_banner',
    ]);
    expect(skipped[0]!.issues.map((i) => i.field)).toEqual(['language', 'components']);
  });

  it('treats a body that is not a list page as empty', () => {
    expect(parseTemplateList({ error: { code: 80007 } })).toEqual({ templates: [], skipped: [] });
    expect(parseTemplateList(null)).toEqual({ templates: [], skipped: [] });
  });
});

describe('template definitions', () => {
  it('reads a create request once it has an id and a status, upper-casing its enumerations', () => {
    const request = fixture('template-create-named-request.json') as Record<string, unknown>;
    const parsed = parseTemplateDefinition({ ...request, id: 123, status: 'approved' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.template).toMatchObject({
      id: '123',
      name: 'order_confirmation',
      category: 'UTILITY',
      status: 'APPROVED',
      parameter_format: 'NAMED',
    });
    expect(templateBody(parsed.template)?.text).toBe(
      'Thank you, {{first_name}}! Your order number is {{order_number}}.',
    );
  });

  it('keeps components it does not model', () => {
    const parsed = parseTemplateDefinition({
      id: '1',
      name: 'carousel_offer',
      language: 'en',
      status: 'APPROVED',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Hi' },
        { type: 'CAROUSEL', cards: [] },
      ],
    });
    expect(parsed.ok && parsed.template.components.map((c) => c.type)).toEqual(['BODY', 'CAROUSEL']);
  });

  it('refuses malformed modelled components and unknown parameter formats', () => {
    const base = { id: '1', name: 'x', language: 'en', status: 'APPROVED', category: 'UTILITY' };
    expect(parseTemplateDefinition({ ...base, components: [{ type: 'BODY' }] }).ok).toBe(false);
    expect(parseTemplateDefinition({ ...base, components: [{ type: 'HEADER', text: 'no format' }] }).ok).toBe(
      false,
    );
    expect(parseTemplateDefinition({ ...base, parameter_format: 'MIXED', components: [] }).ok).toBe(false);
  });
});
