import { Agent, type Dispatcher, request, errors as undiciErrors } from 'undici';
import { z } from 'zod';
import { DEFAULT_GRAPH_API_VERSION, META_GRAPH_URL } from './defaults.js';
import { MetaError, type MetaErrorBody, MetaNetworkError, MetaResponseError } from './errors.js';

export interface MetaClientOptions {
  /** Graph API origin; the sandbox's URL in sandbox mode. Default https://graph.facebook.com */
  graphUrl?: string;
  /** e.g. `v25.0` */
  apiVersion?: string;
  /** Every call gives up after this long (headers and body included). Default 10 s. */
  timeoutMs?: number;
  /** Keep-alive connections per origin. Default 64. */
  connections?: number;
  /** Share one agent between clients (tests, or many clients in one process). */
  dispatcher?: Dispatcher;
}

export interface BusinessToken {
  accessToken: string;
  tokenType: string | null;
  /** seconds; null when Meta does not say (business tokens usually do not expire) */
  expiresIn: number | null;
}

export interface BusinessAccount {
  id: string;
  name: string | null;
  currency: string | null;
  /** Meta's `timezone_id` as given (an integer enum on Graph); null when the account has none */
  timezoneId: string | null;
  messageTemplateNamespace: string | null;
}

export interface PhoneNumberInfo {
  id: string;
  /** as Meta formats it, e.g. `+1 555-078-3881` */
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: string | null;
  /** true when the number is also used in the WhatsApp Business app (coexistence) */
  isOnBizApp: boolean | null;
  platformType: string | null;
  throughputLevel: string | null;
  codeVerificationStatus: string | null;
}

export type SyncType = 'smb_app_state_sync' | 'history';

export interface SendResult {
  wamid: string;
  /** Meta's id of the recipient, when it says */
  waId: string | null;
  input: string | null;
  /** `accepted` or `held_for_quality_assessment` for paced templates; usually absent */
  messageStatus: string | null;
}

/** A template as `GET /<WABA>/message_templates` returns it; unknown fields are kept. */
export interface MessageTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameter_format?: string;
  components: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface TemplatePage {
  templates: MessageTemplate[];
  /** cursor for the next page; null on the last page */
  after: string | null;
}

export interface SubscribeOptions {
  /** route this WABA's webhooks to another URL; Meta runs the verification handshake on it */
  overrideCallbackUri?: string;
  verifyToken?: string;
}

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().optional(),
});

const businessAccountSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  currency: z.string().optional(),
  timezone_id: z.union([z.string(), z.number()]).optional(),
  message_template_namespace: z.string().optional(),
});

const phoneNumberSchema = z.looseObject({
  id: z.string(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
  is_on_biz_app: z.boolean().optional(),
  platform_type: z.string().optional(),
  throughput: z.looseObject({ level: z.string().optional() }).optional(),
  code_verification_status: z.string().optional(),
});

const phoneNumberListSchema = z.looseObject({ data: z.array(phoneNumberSchema) });
const successSchema = z.looseObject({ success: z.boolean() });
const syncSchema = z.looseObject({ request_id: z.string() });
const sendSchema = z.looseObject({
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});
const templateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string().optional(),
  components: z.array(z.looseObject({})).default([]),
});
const templatePageSchema = z.looseObject({
  data: z.array(templateSchema),
  paging: z
    .looseObject({
      cursors: z.looseObject({ after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});
const subscribedAppsSchema = z.looseObject({ data: z.array(z.looseObject({})) });

type Query = Record<string, string | number | undefined>;

interface CallOptions {
  token?: string;
  query?: Query;
  body?: unknown;
  /** a send may have reached Meta when the connection fails late; see MetaNetworkError */
  sendsMessage?: boolean;
}

/**
 * The Graph API calls Coexist makes, against Meta or the sandbox. Tokens travel only in the
 * `Authorization` header and never appear in errors; every call has a timeout; one keep-alive
 * agent serves all calls.
 */
export class MetaClient {
  readonly graphUrl: string;
  readonly apiVersion: string;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: MetaClientOptions = {}) {
    this.graphUrl = (options.graphUrl ?? META_GRAPH_URL).replace(/\/+$/, '');
    this.apiVersion = options.apiVersion ?? DEFAULT_GRAPH_API_VERSION;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 64,
        keepAliveTimeout: 30_000,
        connectTimeout: Math.min(this.timeoutMs, 5_000),
      });
  }

  /** Embedded Signup's code lives 30 s: exchange it at once, server to server. */
  async exchangeCode(input: { appId: string; appSecret: string; code: string }): Promise<BusinessToken> {
    const body = await this.call('exchange the signup code', 'GET', 'oauth/access_token', tokenSchema, {
      query: { client_id: input.appId, client_secret: input.appSecret, code: input.code },
    });
    return {
      accessToken: body.access_token,
      tokenType: body.token_type ?? null,
      expiresIn: body.expires_in ?? null,
    };
  }

  async getBusinessAccount(token: string, wabaId: string): Promise<BusinessAccount> {
    const body = await this.call('read the business account', 'GET', segment(wabaId), businessAccountSchema, {
      token,
      query: { fields: 'id,name,currency,timezone_id,message_template_namespace' },
    });
    return {
      id: body.id,
      name: body.name ?? null,
      currency: body.currency ?? null,
      timezoneId: body.timezone_id == null || body.timezone_id === '' ? null : String(body.timezone_id),
      messageTemplateNamespace: body.message_template_namespace ?? null,
    };
  }

  /** The finish event of a coexistence signup may carry only the WABA: its numbers are found here. */
  async listPhoneNumbers(token: string, wabaId: string): Promise<PhoneNumberInfo[]> {
    const body = await this.call(
      'list the phone numbers',
      'GET',
      `${segment(wabaId)}/phone_numbers`,
      phoneNumberListSchema,
      {
        token,
        query: { fields: PHONE_FIELDS },
      },
    );
    return body.data.map(toPhoneNumber);
  }

  async getPhoneNumber(token: string, phoneNumberId: string): Promise<PhoneNumberInfo> {
    const body = await this.call('read the phone number', 'GET', segment(phoneNumberId), phoneNumberSchema, {
      token,
      query: { fields: PHONE_FIELDS },
    });
    return toPhoneNumber(body);
  }

  /** Without this subscription the number's webhooks (history, echoes, messages) never reach us. */
  async subscribeApp(token: string, wabaId: string, options: SubscribeOptions = {}): Promise<void> {
    const body =
      options.overrideCallbackUri !== undefined
        ? { override_callback_uri: options.overrideCallbackUri, verify_token: options.verifyToken }
        : undefined;
    const answer = await this.call(
      'subscribe the app to the business account',
      'POST',
      `${segment(wabaId)}/subscribed_apps`,
      successSchema,
      {
        token,
        body,
      },
    );
    if (!answer.success)
      throw new MetaResponseError('subscribe the app to the business account', 200, 'success is false');
  }

  async listSubscribedApps(token: string, wabaId: string): Promise<Array<Record<string, unknown>>> {
    const body = await this.call(
      'list subscribed apps',
      'GET',
      `${segment(wabaId)}/subscribed_apps`,
      subscribedAppsSchema,
      { token },
    );
    return body.data;
  }

  /**
   * Asks Meta to send the contacts (`smb_app_state_sync`) or the 180-day history (`history`) as
   * webhooks. Each may be requested once, within 24 h of onboarding (`2593107`, `2593108`).
   */
  async requestSync(
    token: string,
    phoneNumberId: string,
    syncType: SyncType,
  ): Promise<{ requestId: string }> {
    const body = await this.call(
      `request the ${syncType === 'history' ? 'history' : 'contacts'} sync`,
      'POST',
      `${segment(phoneNumberId)}/smb_app_data`,
      syncSchema,
      {
        token,
        body: { messaging_product: 'whatsapp', sync_type: syncType },
      },
    );
    return { requestId: body.request_id };
  }

  /**
   * Sends a Cloud API message body as given. `bizOpaqueCallbackData` (our message id) comes
   * back on every status webhook of this message.
   */
  async sendMessage(
    token: string,
    phoneNumberId: string,
    message: Record<string, unknown>,
    options: { bizOpaqueCallbackData?: string } = {},
  ): Promise<SendResult> {
    const body = {
      messaging_product: 'whatsapp',
      ...message,
      ...(options.bizOpaqueCallbackData !== undefined
        ? { biz_opaque_callback_data: options.bizOpaqueCallbackData }
        : {}),
    };
    const answer = await this.call(
      'send the message',
      'POST',
      `${segment(phoneNumberId)}/messages`,
      sendSchema,
      {
        token,
        body,
        sendsMessage: true,
      },
    );
    const first = answer.messages[0]!;
    const contact = answer.contacts?.[0];
    return {
      wamid: first.id,
      waId: contact?.wa_id ?? null,
      input: contact?.input ?? null,
      messageStatus: first.message_status ?? null,
    };
  }

  async markAsRead(
    token: string,
    phoneNumberId: string,
    wamid: string,
    options: { typingIndicator?: boolean } = {},
  ): Promise<void> {
    await this.call('mark the message as read', 'POST', `${segment(phoneNumberId)}/messages`, successSchema, {
      token,
      body: {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: wamid,
        ...(options.typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
      },
    });
  }

  async listTemplates(
    token: string,
    wabaId: string,
    page: { limit?: number; after?: string } = {},
  ): Promise<TemplatePage> {
    const body = await this.call(
      'list the message templates',
      'GET',
      `${segment(wabaId)}/message_templates`,
      templatePageSchema,
      {
        token,
        query: { limit: page.limit ?? 100, after: page.after },
      },
    );
    const after = body.paging?.next ? (body.paging.cursors?.after ?? null) : null;
    return { templates: body.data as MessageTemplate[], after };
  }

  /** Every template of the WABA, following the cursors. Meta rate-limits this: cache the result. */
  async listAllTemplates(token: string, wabaId: string, pageSize = 100): Promise<MessageTemplate[]> {
    const all: MessageTemplate[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await this.listTemplates(token, wabaId, { limit: pageSize, after });
      all.push(...page.templates);
      if (!page.after) return all;
      after = page.after;
    }
    throw new MetaResponseError('list the message templates', 200, 'paging did not end after 1000 pages');
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async call<S extends z.ZodType>(
    operation: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    options: CallOptions,
  ): Promise<z.output<S>> {
    const url = new URL(`${this.graphUrl}/${this.apiVersion}/${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }

    let statusCode: number;
    let text: string;
    try {
      const response = await request(url, {
        method,
        headers,
        body: payload,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw networkError(operation, error, options.sendsMessage === true);
    }

    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      if (statusCode >= 400) throw new MetaError({ message: `HTTP ${statusCode}` }, statusCode, operation);
      throw new MetaResponseError(operation, statusCode, 'the body is not JSON');
    }

    const errorBody = (json as { error?: MetaErrorBody } | null)?.error;
    if (statusCode >= 400 || (errorBody && typeof errorBody === 'object')) {
      throw new MetaError(
        typeof errorBody === 'object' && errorBody ? errorBody : { message: `HTTP ${statusCode}` },
        statusCode,
        operation,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new MetaResponseError(
        operation,
        statusCode,
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    }
    return parsed.data;
  }
}

const PHONE_FIELDS =
  'id,display_phone_number,verified_name,quality_rating,is_on_biz_app,platform_type,throughput,code_verification_status';

function toPhoneNumber(body: z.output<typeof phoneNumberSchema>): PhoneNumberInfo {
  return {
    id: body.id,
    displayPhoneNumber: body.display_phone_number ?? null,
    verifiedName: body.verified_name ?? null,
    qualityRating: body.quality_rating ?? null,
    isOnBizApp: body.is_on_biz_app ?? null,
    platformType: body.platform_type ?? null,
    throughputLevel: body.throughput?.level ?? null,
    codeVerificationStatus: body.code_verification_status ?? null,
  };
}

/** Ids go into the path; anything but digits would let a caller reach another Graph edge. */
function segment(id: string): string {
  if (!/^[0-9]{1,32}$/.test(id)) throw new TypeError(`"${id}" is not a Graph object id`);
  return id;
}

/** Connection failures before the request was written cannot have delivered anything. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function networkError(operation: string, error: unknown, sendsMessage: boolean): MetaNetworkError {
  const code = errorCode(error);
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  const reason = timedOut ? 'Meta did not answer in time' : `connection problem (${code ?? 'unknown'})`;
  const notSent = code !== null && NOT_SENT_CODES.has(code);
  return new MetaNetworkError(operation, reason, sendsMessage && !notSent, { cause: error });
}

function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
