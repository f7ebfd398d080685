import {
  checkSendRules,
  type OutboundMessage,
  parseTemplateDefinition,
  phoneDigits,
  type RuleResult,
  type SendPermission,
  type SendRefusalCode,
  type TemplateDefinition,
  windowFrom,
} from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';
import type { ContactIds } from '../stores/contact-state.js';
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
  private readonly templates: TemplateStore;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
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
    const [verdict] = await this.checkMany(number, [{ message, rawBody }], now);
    return verdict!;
  }

  /**
   * The same for several messages of one number (the sender's batches): the service windows and
   * opt-outs of all their recipients in two reads, each template once.
   */
  async checkMany(
    number: Pick<NumberRecord, 'phoneNumberId' | 'status' | 'timezone' | 'wabaId'>,
    items: ReadonlyArray<{ message: OutboundMessage; rawBody: unknown }>,
    now = Date.now(),
  ): Promise<Array<RuleResult<SendPermission, SendRefusalCode>>> {
    if (items.length === 0) return [];
    // ContactStateStore's fields: `wa:<phone digits>` and `u:<business-scoped user id>`
    const fieldsOf = items.map(({ message }) => {
      const contact = recipientContact(message.to);
      return contact.waId ? [`wa:${contact.waId}`] : [`u:${contact.userId}`];
    });
    const fields = fieldsOf.flat();
    const wanted = new Map<string, { name: string; language: string }>();
    for (const { message } of items) {
      if (message.type === 'template') {
        const { name, language } = message.template;
        wanted.set(`${name}:${language.code}`, { name, language: language.code });
      }
    }
    const [windows, optOuts, templateLists] = await Promise.all([
      this.redis.hmget(this.keys.numberWindows(number.phoneNumberId), ...fields),
      this.redis.hmget(this.keys.numberOptOuts(number.phoneNumberId), ...fields),
      Promise.all(
        [...wanted].map(
          async ([key, t]) => [key, await this.templatesFor(number.wabaId, t.name, t.language)] as const,
        ),
      ),
    ]);
    const templates = new Map(templateLists);
    let offset = 0;
    return items.map(({ message, rawBody }, i) => {
      const count = fieldsOf[i]!.length;
      const times = windows
        .slice(offset, offset + count)
        .filter((v): v is string => v !== null)
        .map(Number);
      const optedOut = optOuts.slice(offset, offset + count).some((v) => v !== null);
      offset += count;
      return checkSendRules({
        number: { phoneNumberId: number.phoneNumberId, status: number.status, timezone: number.timezone },
        rawBody,
        message,
        window: windowFrom(times.length > 0 ? Math.max(...times) : null, now),
        optedOutOfMarketing: optedOut,
        templates:
          message.type === 'template'
            ? (templates.get(`${message.template.name}:${message.template.language.code}`) ?? [])
            : [],
        now,
      });
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
