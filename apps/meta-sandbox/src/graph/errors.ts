import { fbtraceId } from '../state/ids.js';

/**
 * Graph API errors in Meta's envelope:
 * `{"error":{"message","type","code","error_subcode"?,"error_data"?,"fbtrace_id"}}`.
 *
 * WhatsApp errors carry `"(#code) title"` as the message and `error_data {messaging_product,
 * details}`; Graph's own errors (bad token, unknown object) keep their bare wording and type,
 * as Meta writes them. Titles and details follow `fixtures/meta/payloads` where a fixture
 * exists; everywhere else the platform must key on `code`, as Meta advises.
 */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_data?: { messaging_product: 'whatsapp'; details: string };
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id: string;
}

export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly status: number,
    readonly body: GraphErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }

  get code(): number {
    return this.body.code;
  }

  toJSON(): { error: GraphErrorBody } {
    return { error: this.body };
  }
}

interface WhatsAppErrorOptions {
  details: string;
  status?: number;
  subcode?: number;
  title?: string;
}

/** A WhatsApp Business Platform error: `(#code) title`, with details naming what went wrong. */
export function whatsappError(code: number, options: WhatsAppErrorOptions): GraphError {
  const title = options.title ?? TITLES[code] ?? 'Invalid parameter';
  return new GraphError(options.status ?? statusFor(code), {
    message: `(#${code}) ${title}`,
    type: 'OAuthException',
    code,
    ...(options.subcode !== undefined ? { error_subcode: options.subcode } : {}),
    error_data: { messaging_product: 'whatsapp', details: options.details },
    fbtrace_id: fbtraceId(),
  });
}

/** Meta's titles for the codes the sandbox answers with. */
const TITLES: Record<number, string> = {
  1: 'An unknown error has occurred.',
  2: 'Service temporarily unavailable',
  100: 'Invalid parameter',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131016: 'Service unavailable',
  131047: 'Re-engagement message',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
  133010: 'Account not registered',
  2200: 'Callback verification failed',
  2593107:
    'You have exceeded the maximum number of times to call the synchronization api for this phone number.',
  2593108: 'Synchronization request can only be made within 24 hours of onboarding',
};

function statusFor(code: number): number {
  if (code === 131000 || code === 1) return 500;
  if (code === 131016 || code === 2) return 503;
  return 400;
}

// ---------------------------------------------------------------------------------------------
// Graph's own errors.

/** `190`: a token that is missing, unknown, revoked or not a business token of this app. */
export function invalidToken(
  reason: 'missing' | 'malformed' | 'unknown' | 'revoked',
  appId: string,
): GraphError {
  const message =
    reason === 'missing'
      ? 'An access token is required to request this resource.'
      : reason === 'revoked'
        ? `Error validating access token: The user has not authorized application ${appId}.`
        : reason === 'malformed'
          ? 'Invalid OAuth access token - Cannot parse access token'
          : 'Invalid OAuth access token data.';
  return new GraphError(
    401,
    {
      message,
      type: 'OAuthException',
      code: 190,
      ...(reason === 'revoked' ? { error_subcode: 458 } : {}),
      fbtrace_id: fbtraceId(),
    },
    { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message.replaceAll('"', "'")}"` },
  );
}

/**
 * `100` subcode `33`: the object does not exist, the token may not see it, or it has no such
 * edge. Meta gives all three the same answer so that ids cannot be probed.
 */
export function unsupportedRequest(method: string, id: string): GraphError {
  const verb = method.toLowerCase();
  return new GraphError(400, {
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
    fbtrace_id: fbtraceId(),
  });
}

/** `2500`: a path Graph does not know at all. */
export function unknownPath(components: string): GraphError {
  return new GraphError(400, {
    message: `Unknown path components: ${components}`,
    type: 'OAuthException',
    code: 2500,
    fbtrace_id: fbtraceId(),
  });
}

/** `100`: `?fields=` names a field the node does not have. */
export function nonexistingField(field: string, nodeType: string): GraphError {
  return new GraphError(400, {
    message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
    type: 'OAuthException',
    code: 100,
    fbtrace_id: fbtraceId(),
  });
}

/** `100` with a parameter named: what Graph answers for a missing or malformed argument. */
export function invalidParameter(
  details: string,
  options: { subcode?: number; userTitle?: string; userMsg?: string } = {},
): GraphError {
  return new GraphError(400, {
    message: '(#100) Invalid parameter',
    type: 'OAuthException',
    code: 100,
    ...(options.subcode !== undefined ? { error_subcode: options.subcode } : {}),
    error_data: { messaging_product: 'whatsapp', details },
    ...(options.userTitle ? { error_user_title: options.userTitle } : {}),
    ...(options.userMsg ? { error_user_msg: options.userMsg } : {}),
    fbtrace_id: fbtraceId(),
  });
}

/** An OAuth error of the code exchange, in Graph's bare wording. */
export function oauthError(code: number, message: string, subcode?: number): GraphError {
  return new GraphError(400, {
    message,
    type: 'OAuthException',
    code,
    ...(subcode !== undefined ? { error_subcode: subcode } : {}),
    fbtrace_id: fbtraceId(),
  });
}
