import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { parseJsonBody, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import {
  changeContact,
  offboard,
  receiveInbound,
  receiveUnavailable,
  reconnect,
  sendEcho,
  unlink,
} from '../phone/live.js';
import { type OnboardInput, type Sandbox, SandboxInputError } from '../sandbox.js';
import { metaTimezoneId } from '../state/timezones.js';
import type { PhoneNumber, Waba } from '../state/world.js';
import { templateStatusValue } from '../webhooks/payloads.js';
import { verifyCallback } from '../webhooks/verification.js';
import {
  businessSchema,
  clockSchema,
  contactSchema,
  echoSchema,
  faultsSchema,
  inboundSchema,
  settingsSchema,
  templateStatusSchema,
  unavailableSchema,
  unlinkSchema,
} from './schemas.js';
import { allStats, numberStats } from './stats.js';

/** A control API error: `{"error":{"code","message","details"?}}` with a 4xx status. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

interface Context {
  sandbox: Sandbox;
  method: string;
  parts: string[];
  query: URLSearchParams;
  body: unknown;
}

/**
 * `/__sandbox/…`: drive the phone and Meta's side of things from tests and demos, and read
 * the truth to compare the platform against. JSON in, JSON out; bad input is a 4xx naming the
 * field, never a crash.
 */
export async function handleControl(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  let body: unknown = {};
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') {
    const read = await readBody(req);
    if (!read.ok) {
      sendJson(
        res,
        413,
        controlBody(new ControlError(413, 'body_too_large', 'The request body is too large.')),
      );
      return;
    }
    const parsed = parseJsonBody(read.raw, 'application/json');
    if (!parsed.ok) {
      sendJson(
        res,
        400,
        controlBody(new ControlError(400, 'invalid_json', `The body is not JSON: ${parsed.problem}`)),
      );
      return;
    }
    body = parsed.value;
  } else {
    req.resume();
  }
  const context: Context = {
    sandbox,
    method,
    parts: path.split('/').filter(Boolean).slice(1),
    query: new URLSearchParams(search),
    body,
  };
  try {
    const [status, answer] = await route(context);
    sendJson(res, status, answer);
  } catch (error) {
    if (error instanceof ControlError) {
      sendJson(res, error.status, controlBody(error));
    } else if (error instanceof SandboxInputError) {
      sendJson(res, error.status, {
        error: { code: error.code, message: error.message, details: { field: error.field } },
      });
    } else {
      sandbox.options.log(
        `control handler failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
      );
      sendJson(res, 500, { error: { code: 'internal', message: 'The sandbox failed on this request.' } });
    }
  }
}

function controlBody(error: ControlError) {
  return {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
}

type Answer = [number, unknown];

async function route(c: Context): Promise<Answer> {
  const { sandbox, method, parts } = c;
  const [root, id, action, ...rest] = parts;
  const is = (m: string, length: number) => method === m && parts.length === length;

  switch (root) {
    case 'businesses':
      if (is('POST', 1)) return [201, await createBusiness(sandbox, c.body)];
      break;
    case 'numbers': {
      if (is('GET', 1))
        return [200, { data: [...sandbox.numbers.values()].map((n) => numberHeader(sandbox, n)) }];
      const number = id === undefined ? undefined : sandbox.numbers.get(id);
      if (id !== undefined && !number)
        throw new ControlError(404, 'not_found', `No phone number ${id} in the sandbox.`);
      if (!number || rest.length > 0) break;
      if (action === undefined && method === 'GET') return [200, numberTruth(sandbox, number)];
      if (action === 'stats' && method === 'GET') return [200, numberStats(number)];
      if (action === 'messages' && method === 'GET') return [200, storedMessages(c, number)];
      if (method !== 'POST') break;
      switch (action) {
        case 'inbound': {
          const input = validate(inboundSchema, c.body);
          if (input.type === 'reaction' && !input.context_id) {
            throw new ControlError(
              400,
              'invalid_request',
              'context_id: required for a reaction (the wamid reacted to)',
              {
                field: 'context_id',
              },
            );
          }
          return [
            202,
            receiveInbound(sandbox, number, {
              from: input.from,
              type: input.type,
              text: input.text,
              name: input.name,
              contextId: input.context_id,
              emoji: input.emoji,
            }),
          ];
        }
        case 'echo': {
          const input = validate(echoSchema, c.body);
          return [202, sendEcho(sandbox, number, input)];
        }
        case 'unavailable': {
          const input = validate(unavailableSchema, c.body);
          return [
            202,
            receiveUnavailable(sandbox, number, {
              from: input.from,
              text: input.text,
              name: input.name,
              deliverAfterMs: input.deliver_after_ms,
            }),
          ];
        }
        case 'contacts': {
          const input = validate(contactSchema, c.body);
          changeContact(sandbox, number, {
            action: input.action,
            phoneNumber: input.phone_number,
            fullName: input.full_name,
            firstName: input.first_name,
          });
          return [202, { ok: true }];
        }
        case 'offboard': {
          if (!number.linked) throw new ControlError(409, 'not_linked', `Number ${number.id} is not linked.`);
          offboard(sandbox, number);
          return [202, { ok: true, linked: false }];
        }
        case 'reconnect': {
          if (number.unlinkedBy !== 'offboarded') {
            throw new ControlError(
              409,
              'not_offboarded',
              `Number ${number.id} was not offboarded; after an unlink the business signs up again.`,
            );
          }
          if (sandbox.linkedDigits.has(number.digits)) {
            throw new ControlError(
              409,
              'number_already_connected',
              `+${number.digits} is connected to another account.`,
            );
          }
          reconnect(sandbox, number);
          return [202, { ok: true, linked: true }];
        }
        case 'unlink': {
          if (!number.linked)
            throw new ControlError(409, 'already_unlinked', `Number ${number.id} is already unlinked.`);
          const input = validate(unlinkSchema, c.body);
          unlink(sandbox, number, { reason: input.reason, initiatedBy: input.initiated_by });
          return [202, { ok: true, linked: false }];
        }
      }
      break;
    }
    case 'wabas': {
      const waba = id === undefined ? undefined : sandbox.wabas.get(id);
      if (id !== undefined && !waba)
        throw new ControlError(404, 'not_found', `No WhatsApp Business account ${id} in the sandbox.`);
      if (!waba) break;
      if (action === undefined && is('GET', 2)) return [200, wabaTruth(sandbox, waba)];
      if (action === 'code' && is('POST', 3)) {
        return [201, { code: sandbox.issueCode(waba.businessId, [waba.id]), waba_id: waba.id }];
      }
      if (action === 'templates' && rest.length === 2 && rest[1] === 'status' && method === 'POST') {
        return [
          200,
          setTemplateStatus(
            sandbox,
            waba,
            decodeURIComponent(rest[0]!),
            validate(templateStatusSchema, c.body),
          ),
        ];
      }
      break;
    }
    case 'stats':
      if (is('GET', 1)) return [200, allStats(sandbox, c.query.get('numbers') !== 'false')];
      break;
    case 'faults':
      if (is('GET', 1)) return [200, faultsView(sandbox)];
      if (is('POST', 1)) {
        const input = validate(faultsSchema, c.body);
        const f = sandbox.faults;
        if (input.latency_ms !== undefined) f.latencyMs = input.latency_ms;
        if (input.error_rate !== undefined) f.errorRate = input.error_rate;
        if (input.timeout_rate !== undefined) f.timeoutRate = input.timeout_rate;
        if (input.webhook_duplicate_rate !== undefined) f.webhookDuplicateRate = input.webhook_duplicate_rate;
        if (input.webhook_failure_rate !== undefined) f.webhookFailureRate = input.webhook_failure_rate;
        return [200, faultsView(sandbox)];
      }
      break;
    case 'settings':
      if (is('GET', 1)) return [200, settingsView(sandbox)];
      if (is('POST', 1)) return [200, await updateSettings(sandbox, validate(settingsSchema, c.body))];
      break;
    case 'clock':
      if (is('GET', 1)) return [200, clockView(sandbox)];
      if (is('POST', 1)) {
        const input = validate(clockSchema, c.body);
        sandbox.clock.setOffset(
          'offset_ms' in input ? input.offset_ms : sandbox.clock.offset + input.advance_ms,
        );
        sandbox.changed();
        return [200, clockView(sandbox)];
      }
      break;
    case 'reset':
      if (is('POST', 1)) {
        sandbox.reset();
        return [200, { ok: true }];
      }
      break;
    case 'webhooks':
      if (id === 'idle' && is('GET', 2)) {
        const timeout = Number(c.query.get('timeout_ms') ?? 10_000);
        if (!Number.isFinite(timeout) || timeout < 0 || timeout > 120_000) {
          throw new ControlError(400, 'invalid_request', 'timeout_ms: must be 0…120000', {
            field: 'timeout_ms',
          });
        }
        const idle = await sandbox.idle(timeout);
        return [idle ? 200 : 408, { idle, webhooks: sandbox.delivery.stats() }];
      }
      break;
  }
  throw new ControlError(404, 'not_found', `No control endpoint ${method} /__sandbox/${parts.join('/')}.`);
}

/** Parses a body or throws a 400 naming the first field at fault. */
function validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field =
    issue.path.length > 0
      ? issue.path.join('.')
      : issue.code === 'unrecognized_keys'
        ? ((issue as { keys?: string[] }).keys?.join(', ') ?? 'body')
        : 'body';
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${((issue as { keys?: string[] }).keys?.length ?? 0) > 1 ? 's' : ''}`
      : issue.message;
  throw new ControlError(400, 'invalid_request', `${field}: ${message}`, {
    field,
    issues: result.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
  });
}

/** A business that has completed Embedded Signup, as if its owner had clicked through the popup. */
export async function createBusiness(sandbox: Sandbox, body: unknown) {
  const input = validate(businessSchema, body);
  const onboardInput: OnboardInput = {
    displayPhoneNumber: input.display_phone_number,
    appVersion: input.app_version,
    timezone: input.timezone,
    shareHistory: input.share_history,
    history: input.history
      ? { days: input.history.days, messagesPerDay: input.history.messages_per_day }
      : undefined,
    contacts: input.contacts,
    country: input.country,
    businessId: input.business_id,
    portfolioName: input.business_name,
  };
  const created = sandbox.onboard(onboardInput);
  const waba = sandbox.wabas.get(created.waba_id)!;
  if (input.previous_partner_override) {
    waba.previousPartner = {
      appId: '1300000000000009',
      name: 'Previous Provider App',
      overrideCallbackUri: input.previous_partner_override,
    };
  }
  if (input.subscribe) waba.subscribed = true;
  let accessToken: string | undefined;
  if (input.exchange) {
    const exchanged = sandbox.exchange(created.code);
    if (exchanged.ok) accessToken = exchanged.token;
  }
  return { ...created, ...(accessToken ? { access_token: accessToken } : {}) };
}

function numberHeader(sandbox: Sandbox, number: PhoneNumber) {
  return {
    phone_number_id: number.id,
    waba_id: number.wabaId,
    business_id: number.businessId,
    display_phone_number: number.display,
    linked: number.linked,
    unlinked_by: number.unlinkedBy,
    onboarded_at: new Date(number.onboardedAt).toISOString(),
    subscribed: sandbox.wabas.get(number.wabaId)?.subscribed ?? false,
  };
}

/** The phone's truth: what the platform should end up with after a faithful import. */
function numberTruth(sandbox: Sandbox, number: PhoneNumber) {
  const waba = sandbox.wabas.get(number.wabaId)!;
  const summary = sandbox.summary(number);
  const deadline = number.onboardedAt + sandbox.options.timings.syncWindowMs;
  const sync = (state: PhoneNumber['sync']['contacts']) => ({
    state: state.state,
    calls: state.calls,
    requested_at: state.requestedAt === null ? null : new Date(state.requestedAt).toISOString(),
    request_id: state.requestId,
    webhooks: state.webhooks,
  });
  return {
    ...numberHeader(sandbox, number),
    digits: number.digits,
    verified_name: number.verifiedName,
    country: number.country,
    app_version: number.appVersion,
    timezone: waba.timezone,
    timezone_id: waba.timezone === null ? null : String(metaTimezoneId(waba.timezone)),
    phone_timezone: number.localTimezone,
    share_history: number.shareHistory,
    override_callback_uri: waba.overrideCallbackUri,
    number_override_callback_uri: number.overrideCallbackUri,
    callback_url: sandbox.callbackFor(waba, number),
    contacts: summary.contacts,
    threads: summary.threads,
    messages: summary.messages,
    sync: {
      deadline: new Date(deadline).toISOString(),
      contacts: sync(number.sync.contacts),
      history: sync(number.sync.history),
    },
    live: {
      inbound: number.counters.inbound,
      echoes: number.counters.echoes,
      unavailable: number.counters.unavailable,
    },
    open_service_windows: [...number.serviceWindows.entries()]
      .filter(([, at]) => sandbox.clock.now() - at < sandbox.options.timings.serviceWindowMs)
      .map(([waId, at]) => ({
        wa_id: waId,
        closes_at: new Date(at + sandbox.options.timings.serviceWindowMs).toISOString(),
      })),
  };
}

function wabaTruth(sandbox: Sandbox, waba: Waba) {
  return {
    waba_id: waba.id,
    business_id: waba.businessId,
    name: waba.name,
    timezone: waba.timezone,
    subscribed: waba.subscribed,
    override_callback_uri: waba.overrideCallbackUri,
    phone_number_ids: waba.phoneNumberIds,
    templates: waba.templates
      .all()
      .map((t) => ({ id: t.id, name: t.name, language: t.language, status: t.status, category: t.category })),
    previous_partner: waba.previousPartner,
    callback_url: sandbox.callbackFor(waba),
  };
}

function storedMessages(c: Context, number: PhoneNumber) {
  const limit = Math.min(1000, Math.max(1, Number(c.query.get('limit') ?? 100) || 100));
  const ordered =
    number.sends.length < c.sandbox.options.storedMessagesPerNumber
      ? number.sends
      : [...number.sends.slice(number.sendsNext), ...number.sends.slice(0, number.sendsNext)];
  const newest = ordered.slice(-limit);
  return {
    total_accepted: number.counters.accepted,
    kept: ordered.length,
    data: newest.map((m) => ({
      wamid: m.wamid,
      to: m.to,
      type: m.type,
      accepted_at: new Date(m.acceptedAt).toISOString(),
      biz_opaque_callback_data: m.bizOpaqueCallbackData,
      template: m.template,
      body: m.body,
    })),
  };
}

function setTemplateStatus(
  sandbox: Sandbox,
  waba: Waba,
  name: string,
  input: z.output<typeof templateStatusSchema>,
) {
  const matching = waba.templates
    .named(name)
    .filter((t) => input.language === undefined || t.language === input.language);
  if (matching.length === 0) {
    throw new ControlError(
      404,
      'not_found',
      `No template ${name}${input.language ? ` (${input.language})` : ''} on WABA ${waba.id}.`,
    );
  }
  for (const template of matching) {
    waba.templates.setStatus(template, input.status);
    sandbox.emitWaba(
      waba,
      'message_template_status_update',
      templateStatusValue({
        event: input.status,
        id: template.id,
        name: template.name,
        language: template.language,
        category: template.category,
        reason:
          input.reason === undefined
            ? input.status === 'REJECTED'
              ? 'INVALID_FORMAT'
              : 'NONE'
            : input.reason,
        otherInfo: OTHER_INFO[input.status],
      }),
    );
  }
  sandbox.changed();
  return {
    updated: matching.map((t) => ({ id: t.id, name: t.name, language: t.language, status: t.status })),
  };
}

const OTHER_INFO: Record<string, { title: string; description: string }> = {
  PAUSED: {
    title: 'FIRST_PAUSE',
    description: 'Your WhatsApp message template has been paused for 3 hours because of low quality ratings.',
  },
  DISABLED: {
    title: 'DISABLED',
    description: 'Your WhatsApp message template has been disabled because it was paused too many times.',
  },
  REINSTATED: { title: 'UNPAUSE', description: 'Your WhatsApp message template can be sent again.' },
};

function faultsView(sandbox: Sandbox) {
  const f = sandbox.faults;
  return {
    latency_ms: f.latencyMs,
    error_rate: f.errorRate,
    timeout_rate: f.timeoutRate,
    webhook_duplicate_rate: f.webhookDuplicateRate,
    webhook_failure_rate: f.webhookFailureRate,
  };
}

function settingsView(sandbox: Sandbox) {
  const s = sandbox.settings;
  return {
    status_webhooks: s.statusWebhooks,
    read_fraction: s.readFraction,
    pair_burst: s.pairBurst,
    pair_refill_ms: s.pairRefillMs,
    code_ttl_ms: s.codeTtlMs,
    template_approval_ms: s.templateApprovalMs,
    webhook_url: s.webhookUrl,
    signup_event_ids: s.signupEventIds,
  };
}

async function updateSettings(sandbox: Sandbox, input: z.output<typeof settingsSchema>) {
  if (input.webhook_url) {
    // Meta verifies the app's callback whenever it is set or edited.
    const check = await verifyCallback(
      input.webhook_url,
      sandbox.options.verifyToken,
      sandbox.options.timings.webhookTimeoutMs,
    );
    if (!check.ok) {
      throw new ControlError(
        422,
        'callback_verification_failed',
        `webhook_url: the verification handshake failed: ${check.problem}`,
        {
          field: 'webhook_url',
        },
      );
    }
  }
  const s = sandbox.settings;
  if (input.status_webhooks !== undefined) s.statusWebhooks = input.status_webhooks;
  if (input.read_fraction !== undefined) s.readFraction = input.read_fraction;
  if (input.pair_burst !== undefined) s.pairBurst = input.pair_burst;
  if (input.pair_refill_ms !== undefined) s.pairRefillMs = input.pair_refill_ms;
  if (input.code_ttl_ms !== undefined) s.codeTtlMs = input.code_ttl_ms;
  if (input.template_approval_ms !== undefined) s.templateApprovalMs = input.template_approval_ms;
  if (input.webhook_url !== undefined) s.webhookUrl = input.webhook_url;
  if (input.signup_event_ids !== undefined) s.signupEventIds = input.signup_event_ids;
  return settingsView(sandbox);
}

function clockView(sandbox: Sandbox) {
  return { offset_ms: sandbox.clock.offset, now: new Date(sandbox.clock.now()).toISOString() };
}
