import {
  canSend,
  type DeliveryState,
  parseMarkAsRead,
  parseOutboundMessage,
  type SendRefusalCode,
} from '@coexist/core';
import { MetaError, MetaNetworkError } from '@coexist/meta-client';
import {
  IdempotencyStore,
  MessageStore,
  type NumberRecord,
  type OutboundMessageRecord,
  recipientKey,
  requestFingerprint,
  SendLanes,
  SendStateReader,
  type StoredAnswer,
} from '@coexist/storage';
import { type Request, Router } from 'express';
import type { ApiContext } from '../context.js';
import { accountOf } from '../http/auth.js';
import { AppError, invalidRequest, notFound } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import { ownNumber } from '../numbers/routes.js';

/** Which HTTP status each rule answers with: the number's state is a conflict, the message's content is unprocessable. */
const REFUSAL_STATUS: Record<SendRefusalCode, number> = {
  number_not_active: 409,
  timezone_required: 409,
  unsupported_on_coexistence: 422,
  outside_service_window: 422,
  recipient_opted_out: 422,
  template_not_found: 422,
  template_not_approved: 422,
  template_parameter_mismatch: 422,
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A refusal by a rule is an answer worth replaying; a malformed request or our own failure is not. */
class RuleRefusal extends AppError {}

/**
 * The Graph-compatible send endpoint and message status:
 * - `POST /v1/numbers/{phone_number_id}/messages`: a Cloud API message body, checked against every
 *   rule with the current state, then queued in the number's lane → 202 with our message id.
 *   A read receipt (`"status":"read"`) goes straight through to Meta, as Graph answers it.
 * - `GET /v1/messages/{id}`: `queued → sending → accepted → sent → delivered → read`, or `failed`.
 */
export function sendingRoutes(
  context: ApiContext,
  metrics: Metrics,
): Array<{ path: string; router: Router }> {
  const lanes = new SendLanes(context.redis, context.keys);
  const state = new SendStateReader(context.redis, context.keys);
  const idempotency = new IdempotencyStore(context.redis, context.keys);

  async function accept(number: NumberRecord, body: unknown): Promise<StoredAnswer> {
    if (isReadReceipt(body)) return readReceipt(context, number, body);
    const parsed = parseOutboundMessage(body);
    if (!parsed.ok) throw invalidRequest(parsed.issues);
    const message = parsed.message;
    const now = Date.now();
    const verdict = await state.check(number, message, body, now);
    if (!verdict.ok) {
      const { code, message: text, details } = verdict.refusal;
      metrics.sendsRefused.inc({ code });
      throw new RuleRefusal(code, { status: REFUSAL_STATUS[code] ?? 422, message: text, details });
    }
    const template = verdict.value.template;
    const record = await context.messages.create({
      id: MessageStore.newId(),
      accountId: number.accountId,
      phoneNumberId: number.phoneNumberId,
      to: message.to,
      recipient: recipientKey(message.to),
      type: message.type,
      templateName: template?.name ?? null,
      templateLanguage: template?.language ?? null,
      templateCategory: template?.category ?? null,
      body: JSON.stringify(message),
      createdAt: now,
    });
    await lanes.enqueue(number.phoneNumberId, record.id);
    metrics.sendsAccepted.inc();
    return {
      status: 202,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: message.to, wa_id: record.recipient }],
        messages: [{ id: record.id }],
        status: 'queued',
      },
    };
  }

  const numbers = Router();
  numbers.post('/:phone_number_id/messages', async (req, res) => {
    const account = accountOf(req);
    const number = await ownNumber(context, req);
    const key = idempotencyKeyOf(req);
    const body: unknown = req.body ?? {};
    if (key === null) {
      const answer = await accept(number, body);
      res.status(answer.status).json(answer.body);
      return;
    }

    const fingerprint = requestFingerprint(number.phoneNumberId, body);
    const begun = await idempotency.begin(account.id, key, fingerprint);
    if (begun.state !== 'new') {
      if (!begun.sameRequest) throw keyReused(key);
      if (begun.state === 'in_progress')
        throw new AppError('idempotency_key_in_use', {
          status: 409,
          message: `A request with Idempotency-Key "${key}" is still being processed; retry in a moment.`,
          headers: { 'Retry-After': '1' },
        });
      res.status(begun.answer.status).set('Idempotent-Replayed', 'true').json(begun.answer.body);
      return;
    }
    let answer: StoredAnswer;
    try {
      answer = await accept(number, body);
    } catch (error) {
      if (error instanceof RuleRefusal) {
        await idempotency.finish(account.id, key, fingerprint, {
          status: error.status,
          body: error.toJSON(),
        });
      } else {
        await idempotency.abandon(account.id, key).catch(() => {});
      }
      throw error;
    }
    await idempotency.finish(account.id, key, fingerprint, answer);
    res.status(answer.status).json(answer.body);
  });

  const messages = Router();
  messages.get('/:id', async (req, res) => {
    const id = req.params.id as string;
    const message = await context.messages.getForAccount(accountOf(req).id, id);
    if (!message) throw notFound('message', id);
    res.json(messageView(message));
  });

  return [
    { path: '/numbers', router: numbers },
    { path: '/messages', router: messages },
  ];
}

function idempotencyKeyOf(req: Request): string | null {
  const value = req.get('Idempotency-Key');
  if (value === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(value))
    throw invalidRequest([
      { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters (a UUID works well)' },
    ]);
  return value;
}

function keyReused(key: string): AppError {
  return new AppError('idempotency_key_reused', {
    status: 422,
    message: `Idempotency-Key "${key}" was already used for a different request. Use a new key for a new message.`,
  });
}

function isReadReceipt(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { status?: unknown }).status === 'read' &&
    (body as { type?: unknown }).type === undefined
  );
}

/**
 * Mark-as-read (optionally with a typing indicator) is not a message: it is passed to Meta at once
 * and answered as Graph answers it, so existing Cloud API clients keep working.
 */
async function readReceipt(context: ApiContext, number: NumberRecord, body: unknown): Promise<StoredAnswer> {
  const parsed = parseMarkAsRead(body);
  if (!parsed.ok) throw invalidRequest(parsed.issues);
  if (!canSend(number.status))
    throw new AppError('number_not_active', {
      status: 409,
      message: `This number cannot act through the Cloud API: its binding is ${number.status}, not active.`,
      details: { phone_number_id: number.phoneNumberId, status: number.status },
    });
  const token = context.cipher.decrypt(number.sealedToken, number.wabaId);
  try {
    await context.meta.markAsRead(token, number.phoneNumberId, parsed.message.message_id, {
      typingIndicator: parsed.message.typing_indicator !== undefined,
    });
  } catch (error) {
    if (error instanceof MetaError) {
      throw new AppError('meta_error', {
        status: error.retry.retryable ? 502 : 400,
        message: `Meta refused the read receipt: ${error.details ?? error.message}`,
        details: { meta_code: error.code, meta_details: error.details },
      });
    }
    if (error instanceof MetaNetworkError)
      throw new AppError('meta_unreachable', {
        status: 502,
        message: `Meta could not be reached: ${error.reason}.`,
      });
    throw error;
  }
  return { status: 200, body: { success: true } };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function messageView(message: OutboundMessageRecord) {
  const timeline: Partial<Record<DeliveryState, string | null>> = {};
  for (const [state, at] of Object.entries(message.timeline)) timeline[state as DeliveryState] = iso(at);
  return {
    id: message.id,
    phone_number_id: message.phoneNumberId,
    to: message.to,
    type: message.type,
    status: message.status,
    wamid: message.wamid,
    error: message.error
      ? { code: message.error.code, message: message.error.message, source: message.error.source }
      : null,
    template: message.templateName
      ? { name: message.templateName, language: message.templateLanguage, category: message.templateCategory }
      : null,
    attempts: message.attempts,
    created_at: iso(message.createdAt),
    updated_at: iso(message.updatedAt),
    timeline,
  };
}
