import type { Sandbox } from '../sandbox.js';
import { metaTimezoneId } from '../state/timezones.js';
import type { PhoneNumber, Waba } from '../state/world.js';
import { verifyCallback } from '../webhooks/verification.js';
import { invalidParameter, whatsappError } from './errors.js';
import {
  decodeCursor,
  encodeCursor,
  type GraphRequest,
  intParam,
  param,
  pick,
  requestedFields,
} from './request.js';

// ---------------------------------------------------------------------------------------------
// WhatsApp Business Account

const WABA_FIELDS = new Set([
  'id',
  'name',
  'currency',
  'timezone_id',
  'message_template_namespace',
  'account_review_status',
  'business_verification_status',
  'country',
  'ownership_type',
  'primary_business_location',
]);
const WABA_DEFAULT_FIELDS = ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace'];

export function wabaNode(request: GraphRequest, waba: Waba): Record<string, unknown> {
  const fields = requestedFields(request, WABA_FIELDS, 'WhatsAppBusinessAccount') ?? WABA_DEFAULT_FIELDS;
  const timezoneId = waba.timezone === null ? null : metaTimezoneId(waba.timezone);
  const number = request.sandbox.numbers.get(waba.phoneNumberIds[0] ?? '');
  return pick(
    {
      id: waba.id,
      name: waba.name,
      currency: waba.currency,
      // Graph writes the enum value as a string; a business without a time zone has no field.
      timezone_id: timezoneId === null ? undefined : String(timezoneId),
      message_template_namespace: waba.namespace,
      account_review_status: 'APPROVED',
      business_verification_status: 'not_verified',
      country: number?.country ?? undefined,
      ownership_type: 'CLIENT_OWNED',
      primary_business_location: number?.country ?? undefined,
    },
    fields,
  );
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

const PHONE_FIELDS = new Set([
  'id',
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'is_on_biz_app',
  'platform_type',
  'throughput',
  'code_verification_status',
  'name_status',
  'status',
  'messaging_limit_tier',
  'account_mode',
  'last_onboarded_time',
  'webhook_configuration',
  'is_official_business_account',
  'is_pin_enabled',
  'health_status',
]);
const PHONE_DEFAULT_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'last_onboarded_time',
  'id',
];

function phoneNode(
  sandbox: Sandbox,
  number: PhoneNumber,
  fields: readonly string[],
): Record<string, unknown> {
  const waba = sandbox.wabas.get(number.wabaId);
  const callback = waba ? sandbox.callbackFor(waba, number) : null;
  return pick(
    {
      id: number.id,
      display_phone_number: number.display,
      verified_name: number.verifiedName,
      quality_rating: 'GREEN',
      // Both together mean the number works in the WhatsApp Business app and on Cloud API.
      is_on_biz_app: true,
      platform_type: number.linked ? 'CLOUD_API' : 'NOT_APPLICABLE',
      throughput: { level: 'STANDARD' },
      code_verification_status: 'VERIFIED',
      name_status: 'APPROVED',
      status: number.linked ? 'CONNECTED' : 'DISCONNECTED',
      messaging_limit_tier: 'TIER_1K',
      account_mode: 'LIVE',
      last_onboarded_time: new Date(number.onboardedAt).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      webhook_configuration: callback ? { application: callback } : undefined,
      is_official_business_account: false,
      is_pin_enabled: false,
      health_status: { can_send_message: number.linked ? 'AVAILABLE' : 'BLOCKED' },
    },
    fields,
  );
}

export function phoneNumberNode(request: GraphRequest, number: PhoneNumber): Record<string, unknown> {
  const fields =
    requestedFields(request, PHONE_FIELDS, 'WhatsAppBusinessPhoneNumber') ?? PHONE_DEFAULT_FIELDS;
  return phoneNode(request.sandbox, number, fields);
}

/** `GET /<WABA>/phone_numbers`: how a platform finds the number when the finish event has only the WABA. */
export function listPhoneNumbers(request: GraphRequest, waba: Waba): Record<string, unknown> {
  const fields =
    requestedFields(request, PHONE_FIELDS, 'WhatsAppBusinessPhoneNumber') ?? PHONE_DEFAULT_FIELDS;
  const limit = intParam(request, 'limit', 25, 1000);
  const afterParam = param(request, 'after');
  const start =
    typeof afterParam === 'string' && afterParam !== '' ? decodeCursor(afterParam, 'after') + 1 : 0;
  const ids = waba.phoneNumberIds.slice(start, start + limit);
  const data = ids
    .map((id) => request.sandbox.numbers.get(id))
    .filter((number): number is PhoneNumber => number !== undefined)
    .map((number) => phoneNode(request.sandbox, number, fields));
  const paging: Record<string, unknown> =
    data.length > 0
      ? { cursors: { before: encodeCursor(start), after: encodeCursor(start + data.length - 1) } }
      : {};
  return { data, paging };
}

/** `POST /<PHONE_NUMBER_ID>` with `webhook_configuration`: a per-number callback override. */
export async function configurePhoneNumber(
  request: GraphRequest,
  number: PhoneNumber,
): Promise<Record<string, unknown>> {
  const configuration = param(request, 'webhook_configuration');
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
    throw invalidParameter(
      'webhook_configuration: expected an object with override_callback_uri and verify_token',
    );
  }
  const { override_callback_uri: uri, verify_token: verifyToken } = configuration as Record<string, unknown>;
  if (uri === '' || uri === null) {
    number.overrideCallbackUri = null;
    request.sandbox.changed();
    return { success: true };
  }
  number.overrideCallbackUri = await verifiedOverride(
    request.sandbox,
    uri,
    verifyToken,
    'webhook_configuration.',
  );
  request.sandbox.changed();
  return { success: true };
}

/**
 * Register and deregister are refused for numbers shared with the WhatsApp Business app: it is
 * already registered, and "You cannot use the Deregister API" on it (S-COEX). The router counts
 * both so that tests can prove the platform never calls them.
 */
export function refuseRegistration(edge: 'register' | 'deregister'): never {
  if (edge === 'register') {
    throw whatsappError(100, {
      details:
        'This phone number is in use with both the WhatsApp Business app and Cloud API, so it is already registered. Skip the registration step for numbers onboarded from the WhatsApp Business app.',
    });
  }
  throw whatsappError(100, {
    details:
      'You cannot deregister a phone number that is in use with both the WhatsApp Business app and Cloud API. The business unlinks it in the app: Settings > Account > Business Platform.',
  });
}

// ---------------------------------------------------------------------------------------------
// Subscribed apps

export async function subscribeApp(request: GraphRequest, waba: Waba): Promise<Record<string, unknown>> {
  const uri = param(request, 'override_callback_uri');
  if (uri === undefined || uri === null || uri === '') {
    // Subscribing without an override routes webhooks back to the app's callback.
    waba.overrideCallbackUri = null;
  } else {
    waba.overrideCallbackUri = await verifiedOverride(
      request.sandbox,
      uri,
      param(request, 'verify_token'),
      '',
    );
  }
  waba.subscribed = true;
  request.sandbox.changed();
  return { success: true };
}

export function unsubscribeApp(request: GraphRequest, waba: Waba): Record<string, unknown> {
  waba.subscribed = false;
  waba.overrideCallbackUri = null;
  request.sandbox.changed();
  return { success: true };
}

export function listSubscribedApps(request: GraphRequest, waba: Waba): Record<string, unknown> {
  const { appId, appName } = request.sandbox.options;
  const data: Record<string, unknown>[] = [];
  if (waba.previousPartner) {
    data.push({
      whatsapp_business_api_data: {
        id: waba.previousPartner.appId,
        name: waba.previousPartner.name,
        link: `https://www.facebook.com/games/?app_id=${waba.previousPartner.appId}`,
      },
      ...(waba.previousPartner.overrideCallbackUri
        ? { override_callback_uri: waba.previousPartner.overrideCallbackUri }
        : {}),
    });
  }
  if (waba.subscribed) {
    data.push({
      whatsapp_business_api_data: {
        id: appId,
        name: appName,
        link: `https://www.facebook.com/games/?app_id=${appId}`,
      },
      ...(waba.overrideCallbackUri ? { override_callback_uri: waba.overrideCallbackUri } : {}),
    });
  }
  return { data };
}

/** Checks an override like Meta: a URL, a verify token, and a handshake that answers the challenge. */
async function verifiedOverride(
  sandbox: Sandbox,
  uri: unknown,
  verifyToken: unknown,
  prefix: string,
): Promise<string> {
  if (typeof uri !== 'string' || !/^https?:\/\//.test(uri)) {
    throw invalidParameter(`${prefix}override_callback_uri must be an http(s) URL`);
  }
  if (typeof verifyToken !== 'string' || verifyToken === '') {
    throw invalidParameter(`${prefix}verify_token is required with override_callback_uri`);
  }
  const check = await verifyCallback(uri, verifyToken, sandbox.options.timings.webhookTimeoutMs);
  if (!check.ok) {
    throw whatsappError(2200, {
      title: `Callback verification failed with the following errors: ${check.problem}`,
      details: `The verification request to ${uri} failed: ${check.problem}`,
    });
  }
  return uri;
}
