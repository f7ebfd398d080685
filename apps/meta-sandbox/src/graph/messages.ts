import {
  checkCoexistenceSupport,
  checkTemplateMessage,
  type FieldIssue,
  isIndividualRecipient,
  type OutboundMessage,
  type ParseResult,
  parseMarkAsRead,
  parseOutboundMessage,
  phoneDigits,
  type Refusal,
} from '@coexist/core';
import { isRecord } from '../http/body.js';
import type { Sandbox } from '../sandbox.js';
import type { PhoneNumber, Waba } from '../state/world.js';
import type { StatusItem } from '../webhooks/payloads.js';
import { type GraphError, whatsappError } from './errors.js';

/** Above this many distinct callback data per number, new ones are no longer remembered. */
const MAX_REMEMBERED_CALLBACK_DATA = 1_000_000;
/** Inbound wamids kept per number for read receipts. */
export const MAX_REMEMBERED_INBOUND = 10_000;

export type SendOutcome = { ok: true; json: string } | { ok: false; error: GraphError };

/**
 * `POST /<PHONE_NUMBER_ID>/messages`: a send or a read receipt, judged in Meta's order of
 * concerns: the body (`100`/`131008`/`131009`), what coexistence numbers cannot do, the
 * template (`132001`/`132015`/`132016`/`132000`) or the service window (`131047`), the
 * number's throughput (`130429`), the pair rate (`131056`). Only accepted sends take
 * throughput, and every outcome is counted per number.
 *
 * This is the sandbox's hot path: no allocation beyond the parsed body and the answer.
 */
export function handleMessages(
  sandbox: Sandbox,
  number: PhoneNumber,
  waba: Waba,
  body: unknown,
): SendOutcome {
  if (isRecord(body) && body.status === 'read' && body.type === undefined) return markAsRead(number, body);
  const outcome = send(sandbox, number, waba, body);
  if (!outcome.ok) {
    const counters = number.counters;
    counters.rejected += 1;
    const code = String(outcome.error.code);
    counters.rejectedByCode[code] = (counters.rejectedByCode[code] ?? 0) + 1;
  }
  return outcome;
}

function send(sandbox: Sandbox, number: PhoneNumber, waba: Waba, body: unknown): SendOutcome {
  if (!number.linked) {
    return fail(
      whatsappError(133010, {
        details:
          'The phone number is not connected to Cloud API any more (it was offboarded). The business must reconnect it from the WhatsApp Business app.',
      }),
    );
  }
  if (!isRecord(body)) {
    return fail(whatsappError(100, { details: 'The request body must be a JSON object.' }));
  }
  const support = checkCoexistenceSupport(body);
  if (!support.ok) return fail(whatsappError(131009, { details: support.refusal.message }));

  const parsed = parseSend(body);
  if (!parsed.ok) return fail(validationError(parsed.issues));
  const message = parsed.message;
  const waId =
    message.to.startsWith('+') || /^[\d\s().-]+$/.test(message.to) ? phoneDigits(message.to) : message.to;
  const now = sandbox.clock.now();

  let pricingCategory = 'service';
  if (message.type === 'template') {
    const checked = checkTemplateMessage(waba.templates.parsed(), message.template);
    if (!checked.ok) return fail(templateError(checked.refusal, message));
    pricingCategory = checked.value.category.toLowerCase();
  } else {
    const lastInbound = number.serviceWindows.get(waId);
    if (lastInbound === undefined || now - lastInbound >= sandbox.options.timings.serviceWindowMs) {
      return fail(
        whatsappError(131047, {
          details:
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        }),
      );
    }
  }

  const monotonic = performance.now();
  if (!number.window.hasRoom(monotonic)) {
    return fail(
      whatsappError(130429, { details: 'Cloud API message throughput has been reached.', subcode: 2494055 }),
    );
  }
  if (!number.pairRate.take(waId, now)) {
    return fail(
      whatsappError(131056, {
        details:
          'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      }),
    );
  }

  // Accepted.
  number.window.record(monotonic);
  number.acceptedPeak.record(monotonic);
  number.trafficPeak.record(monotonic);
  const counters = number.counters;
  counters.accepted += 1;
  if (message.type === 'template') counters.templates += 1;
  const wamid = sandbox.wamids.next(waId);
  const callbackData = message.biz_opaque_callback_data;
  if (callbackData !== undefined) {
    if (number.callbackData.has(callbackData)) counters.duplicatesByCallbackData += 1;
    else if (number.callbackData.size < MAX_REMEMBERED_CALLBACK_DATA) number.callbackData.add(callbackData);
  }
  store(sandbox, number, wamid, waId, message, now);
  if (sandbox.settings.statusWebhooks)
    scheduleStatuses(sandbox, number, wamid, waId, message, pricingCategory, now);

  const status = message.type === 'template' ? ',"message_status":"accepted"' : '';
  return {
    ok: true,
    json: `{"messaging_product":"whatsapp","contacts":[{"input":${JSON.stringify(message.to)},"wa_id":${JSON.stringify(waId)}}],"messages":[{"id":"${wamid}"${status}}]}`,
  };
}

/**
 * Core's validation of the body, with the recipient check memoised: libphonenumber is the
 * costliest part of judging a send, and platforms send to the same people again and again.
 * A recipient already known to be valid is swapped for a business-scoped id (core's cheapest
 * valid recipient) while core checks everything else; any problem is reported by core from the
 * body exactly as sent.
 */
function parseSend(body: Record<string, unknown>): ParseResult<OutboundMessage> {
  const to = body.to;
  if (typeof to === 'string' && isKnownRecipient(to)) {
    const parsed = parseOutboundMessage({ ...body, to: CHECKED_RECIPIENT });
    if (parsed.ok) {
      parsed.message.to = to.trim();
      return parsed;
    }
  }
  return parseOutboundMessage(body);
}

const CHECKED_RECIPIENT = 'US.0';
const MAX_CACHED_RECIPIENTS = 100_000;
const recipients = new Map<string, boolean>();

function isKnownRecipient(to: string): boolean {
  let valid = recipients.get(to);
  if (valid === undefined) {
    valid = isIndividualRecipient(to);
    if (recipients.size >= MAX_CACHED_RECIPIENTS) recipients.clear();
    recipients.set(to, valid);
  }
  return valid;
}

function fail(error: GraphError): SendOutcome {
  return { ok: false, error };
}

function validationError(issues: readonly FieldIssue[]): GraphError {
  const details = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  if (issues.some((issue) => issue.field === 'messaging_product' || issue.field === 'type')) {
    return whatsappError(100, { details });
  }
  if (issues.every((issue) => issue.message.startsWith('is required')))
    return whatsappError(131008, { details });
  return whatsappError(131009, { details });
}

function templateError(refusal: Refusal, body: OutboundMessage): GraphError {
  const template = body.type === 'template' ? body.template : null;
  const name = template?.name ?? '';
  const language = template?.language.code ?? '';
  const { code, message } = refusal;
  if (code === 'template_parameter_mismatch') return whatsappError(132000, { details: message });
  if (code === 'template_not_approved') {
    const status = refusal.details?.status;
    if (status === 'PAUSED') {
      return whatsappError(132015, {
        details: 'Template is paused due to low quality so it cannot be sent in a template message.',
      });
    }
    if (status === 'DISABLED') {
      return whatsappError(132016, {
        details:
          'Template has been paused too many times due to low quality and is now permanently disabled.',
      });
    }
    return whatsappError(132001, {
      details: `template name (${name}) does not exist in ${language} or has not been approved: ${message}`,
    });
  }
  return whatsappError(132001, { details: `template name (${name}) does not exist in ${language}` });
}

function store(
  sandbox: Sandbox,
  number: PhoneNumber,
  wamid: string,
  waId: string,
  message: OutboundMessage,
  now: number,
): void {
  const capacity = sandbox.options.storedMessagesPerNumber;
  if (capacity <= 0) return;
  const record = {
    wamid,
    to: waId,
    type: message.type,
    acceptedAt: now,
    bizOpaqueCallbackData: message.biz_opaque_callback_data ?? null,
    template:
      message.type === 'template'
        ? { name: message.template.name, language: message.template.language.code }
        : null,
    body: message,
  };
  if (number.sends.length < capacity) number.sends.push(record);
  else {
    number.sends[number.sendsNext] = record;
    number.sendsNext = (number.sendsNext + 1) % capacity;
  }
}

/**
 * `sent`, then `delivered`, then `read` for a share of messages (reactions only get `sent`, as
 * Meta documents). Pricing rides on `sent` and `delivered`; the callback data on every one.
 */
function scheduleStatuses(
  sandbox: Sandbox,
  number: PhoneNumber,
  wamid: string,
  waId: string,
  message: OutboundMessage,
  category: string,
  now: number,
): void {
  const timings = sandbox.options.timings;
  const realNow = Date.now();
  const callbackData = message.biz_opaque_callback_data;
  const isTemplate = message.type === 'template';
  const pricing = {
    billable: isTemplate,
    pricing_model: 'PMP' as const,
    type: isTemplate ? 'regular' : 'free_customer_service',
    category,
  };
  const item = (status: StatusItem['status'], afterMs: number, withPricing: boolean): StatusItem => ({
    id: wamid,
    status,
    timestamp: String(Math.floor((now + afterMs) / 1000)),
    recipient_id: waId,
    ...(callbackData !== undefined ? { biz_opaque_callback_data: callbackData } : {}),
    ...(withPricing ? { pricing } : {}),
  });
  sandbox.statuses.add(number.id, 0, realNow + timings.sentAfterMs, item('sent', timings.sentAfterMs, true));
  if (message.type === 'reaction') return;
  sandbox.statuses.add(
    number.id,
    1,
    realNow + timings.deliveredAfterMs,
    item('delivered', timings.deliveredAfterMs, true),
  );
  if (Math.random() < sandbox.settings.readFraction) {
    sandbox.statuses.add(
      number.id,
      2,
      realNow + timings.readAfterMs,
      item('read', timings.readAfterMs, false),
    );
  }
}

/** `{"messaging_product":"whatsapp","status":"read","message_id":…}`: a received message, read. */
function markAsRead(number: PhoneNumber, body: Record<string, unknown>): SendOutcome {
  const parsed = parseMarkAsRead(body);
  if (!parsed.ok) {
    number.counters.rejected += 1;
    const error = validationError(parsed.issues);
    number.counters.rejectedByCode[String(error.code)] =
      (number.counters.rejectedByCode[String(error.code)] ?? 0) + 1;
    return { ok: false, error };
  }
  const id = parsed.message.message_id;
  const known =
    number.inboundWamids.has(id) ||
    (number.phone?.messages.some((m) => m.wamid === id && m.direction === 'inbound' && !m.group) ?? false);
  if (!known) {
    number.counters.rejected += 1;
    number.counters.rejectedByCode['131009'] = (number.counters.rejectedByCode['131009'] ?? 0) + 1;
    return {
      ok: false,
      error: whatsappError(131009, { details: `message_id: ${id} is not a message this number received` }),
    };
  }
  number.counters.markAsRead += 1;
  return { ok: true, json: '{"success":true}' };
}
