import {
  checkSendRules,
  type OutboundMessage,
  parseTemplateDefinition,
  phoneDigits,
  type RuleResult,
  type SendPermission,
  type SendRefusalCode,
  type TemplateDefinition,
} from '@coexist/core';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis.js';
import { type ContactIds, ContactStateStore } from '../stores/contact-state.js';
import type { NumberRecord } from '../stores/numbers.js';
import { TemplateStore } from '../stores/templates.js';

/** Business-scoped user ids (`US.13491208655302741918`) stand in for the phone of users with usernames. */
const BUSINESS_SCOPED_USER_ID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** How a recipient is keyed in Redis: its BSUID as given, else the digits of its phone number. */
export function recipientKey(to: string): string {
  const trimmed = to.trim();
  return BUSINESS_SCOPED_USER_ID.test(trimmed) ? trimmed : phoneDigits(trimmed);
}

export function recipientContact(to: string): ContactIds {
  const key = recipientKey(to);
  return BUSINESS_SCOPED_USER_ID.test(key) ? { waId: null, userId: key } : { waId: key, userId: null };
}

/** Parsed template definitions by their stored JSON: a send reads one, parsing it once per process. */
const parsedTemplates = new Map<string, TemplateDefinition | null>();
const PARSED_TEMPLATES_MAX = 5_000;

function parseStoredTemplate(raw: string): TemplateDefinition | null {
  let parsed = parsedTemplates.get(raw);
  if (parsed === undefined) {
    const result = parseTemplateDefinition(JSON.parse(raw));
    parsed = result.ok ? result.template : null;
    if (parsedTemplates.size >= PARSED_TEMPLATES_MAX) parsedTemplates.clear();
    parsedTemplates.set(raw, parsed);
  }
  return parsed;
}

/**
 * The state the send rules read, as of now: the recipient's service window and opt-out, and the
 * template being sent. The api runs the rules with it when a message is accepted, the sender again
 * right before the HTTP call, so a window that closed, a template paused by a webhook or an opt-out
 * that arrived while the message waited stops it.
 */
export class SendStateReader {
  private readonly contacts: ContactStateStore;
  private readonly templates: TemplateStore;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.contacts = new ContactStateStore(redis, keys);
    this.templates = new TemplateStore(redis, keys);
  }

  /**
   * Runs `checkSendRules` for `message` from `number` with the state of this moment. `rawBody` is
   * the body as the client sent it (the coexistence check reads fields the schema drops).
   */
  async check(
    number: Pick<NumberRecord, 'phoneNumberId' | 'status' | 'timezone' | 'wabaId'>,
    message: OutboundMessage,
    rawBody: unknown,
    now = Date.now(),
  ): Promise<RuleResult<SendPermission, SendRefusalCode>> {
    const contact = recipientContact(message.to);
    const [window, optOut, templates] = await Promise.all([
      this.contacts.window(number.phoneNumberId, contact, now),
      this.contacts.optedOut(number.phoneNumberId, contact),
      message.type === 'template'
        ? this.templatesFor(number.wabaId, message.template.name, message.template.language.code)
        : Promise.resolve([]),
    ]);
    return checkSendRules({
      number: { phoneNumberId: number.phoneNumberId, status: number.status, timezone: number.timezone },
      rawBody,
      message,
      window,
      optedOutOfMarketing: optOut !== null,
      templates,
      now,
    });
  }

  /**
   * The one translation being sent when it is cached (one HGET; TemplateStore keys its hash by
   * `name:language`), else the whole list so that the refusal can name the languages there are.
   */
  private async templatesFor(wabaId: string, name: string, language: string): Promise<TemplateDefinition[]> {
    const raw = await this.redis.hget(this.keys.templates(wabaId), `${name}:${language}`);
    const definition = raw ? parseStoredTemplate(raw) : null;
    return definition ? [definition] : this.templates.list(wabaId);
  }
}
