import { describe, expect, it } from 'vitest';
import { parseOutboundMessage } from '../messages/outbound.js';
import { SERVICE_WINDOW_MS, windowFrom } from '../service-window/window.js';
import { parseTemplateDefinition, type TemplateDefinition } from '../templates/definition.js';
import { checkSendRules, type SendingNumber, type SendRuleInput } from './rules.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const TO = '+16505551234';

function template(name: string, category: string, status = 'APPROVED'): TemplateDefinition {
  const parsed = parseTemplateDefinition({
    id: `${name}-id`,
    name,
    language: 'en_US',
    status,
    category,
    components: [{ type: 'BODY', text: 'Hello there' }],
  });
  if (!parsed.ok) throw new Error('bad template fixture');
  return parsed.template;
}

const TEMPLATES = [template('order_update', 'UTILITY'), template('autumn_sale', 'MARKETING')];
const ACTIVE: SendingNumber = {
  phoneNumberId: '106540352242922',
  status: 'active',
  timezone: 'Europe/Madrid',
};

function input(body: Record<string, unknown>, overrides: Partial<SendRuleInput> = {}): SendRuleInput {
  const raw = { messaging_product: 'whatsapp', to: TO, ...body };
  const parsed = parseOutboundMessage(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return {
    number: ACTIVE,
    rawBody: raw,
    message: parsed.message,
    window: windowFrom(NOW - 60_000, NOW),
    optedOutOfMarketing: false,
    templates: TEMPLATES,
    now: NOW,
    ...overrides,
  };
}

const text = { type: 'text', text: { body: 'hi' } };
const sendTemplate = (name: string) => ({
  type: 'template',
  template: { name, language: { code: 'en_US' } },
});

function codeOf(result: ReturnType<typeof checkSendRules>): string {
  return result.ok ? 'ok' : result.refusal.code;
}

describe('checkSendRules', () => {
  it('lets a free-form message through inside the window, and says when the window closes', () => {
    const result = checkSendRules(input(text));
    expect(result).toEqual({
      ok: true,
      value: { template: null, windowClosesAt: NOW - 60_000 + SERVICE_WINDOW_MS },
    });
  });

  it('refuses a free-form message when the contact never wrote, or wrote more than 24 h ago', () => {
    const never = checkSendRules(input(text, { window: windowFrom(null, NOW) }));
    expect(codeOf(never)).toBe('outside_service_window');
    const stale = checkSendRules(input(text, { window: windowFrom(NOW - SERVICE_WINDOW_MS - 1, NOW) }));
    expect(codeOf(stale)).toBe('outside_service_window');
    if (!stale.ok) expect(stale.refusal.message).toMatch(/template/);
  });

  it('sends an approved template outside the window', () => {
    const result = checkSendRules(input(sendTemplate('order_update'), { window: windowFrom(null, NOW) }));
    expect(result.ok && result.value.template?.name).toBe('order_update');
  });

  it('refuses a template that is missing or not approved', () => {
    expect(codeOf(checkSendRules(input(sendTemplate('nope'))))).toBe('template_not_found');
    const paused = [template('order_update', 'UTILITY', 'PAUSED')];
    expect(codeOf(checkSendRules(input(sendTemplate('order_update'), { templates: paused })))).toBe(
      'template_not_approved',
    );
  });

  it('keeps marketing templates from contacts who opted out, and only those', () => {
    const optedOut = { optedOutOfMarketing: true };
    expect(codeOf(checkSendRules(input(sendTemplate('autumn_sale'), optedOut)))).toBe('recipient_opted_out');
    expect(codeOf(checkSendRules(input(sendTemplate('order_update'), optedOut)))).toBe('ok');
    expect(codeOf(checkSendRules(input(text, optedOut)))).toBe('ok');
  });

  it('refuses every message from a number that is not active or has no time zone', () => {
    for (const status of ['signed_up', 'confirmed', 'removed', 'offboarded', 'failed'] as const) {
      const result = checkSendRules(input(sendTemplate('order_update'), { number: { ...ACTIVE, status } }));
      expect(codeOf(result), status).toBe('number_not_active');
    }
    const removed = checkSendRules(input(text, { number: { ...ACTIVE, status: 'removed' } }));
    if (!removed.ok) expect(removed.refusal.message).toMatch(/Business Platform/);
    const noZone = checkSendRules(input(text, { number: { ...ACTIVE, timezone: null } }));
    expect(codeOf(noZone)).toBe('timezone_required');
  });

  it('refuses what coexistence numbers cannot do, before any window or template rule', () => {
    const viewOnce = { type: 'image', image: { link: 'https://example.com/a.jpg', view_once: true } };
    expect(codeOf(checkSendRules(input(viewOnce, { window: windowFrom(null, NOW) })))).toBe(
      'unsupported_on_coexistence',
    );
  });
});
