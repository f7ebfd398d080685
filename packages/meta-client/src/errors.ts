/**
 * Meta's errors as typed values with advice on what to do next. Meta's titles are being
 * deprecated and its wording varies, so everything here keys on the numeric `code`.
 */

/** What kind of problem, in our words; drives how the sender and the api react. */
export type MetaErrorCategory =
  /** 130429: the number's throughput (20 msg/s on coexistence) is exhausted */
  | 'throughput'
  /** 131056: too many messages to the same recipient */
  | 'pair_rate'
  /** 131047: outside the 24 h customer-service window */
  | 'service_window'
  /** 132xxx: template missing, paused, disabled or wrongly filled */
  | 'template'
  /** 131050: the user stopped marketing messages */
  | 'opted_out'
  /** 131026 and friends: this recipient cannot get the message */
  | 'recipient'
  /** 190, 10, 200…: the token or its permissions */
  | 'auth'
  /** 2593107/2593108/2593109: history and contacts sync */
  | 'sync'
  /** 4, 80007: API call rate limits (not messages) */
  | 'rate_limit'
  /** 1, 2, 131000, 131016, 133004, 131057, 5xx: try again later */
  | 'transient'
  /** 100, 131008, 131009, 131051…: the request itself is wrong */
  | 'invalid_request'
  /** 131060: a coexistence message the API cannot read */
  | 'message_unavailable'
  /** policy, account or payment problems an operator must fix */
  | 'account'
  | 'unknown';

export type RetryAdvice =
  | { retryable: false }
  | {
      retryable: true;
      /**
       * What to slow down: the whole phone number (throughput), one recipient (pair rate), or
       * just this request (transient errors).
       */
      scope: 'number' | 'recipient' | 'request';
      /** back-off before attempt `attempt + 1` (attempt starts at 0), jitter included */
      backoffMs: (attempt: number) => number;
    };

interface CodeInfo {
  category: MetaErrorCategory;
  retry: 'no' | 'number' | 'recipient' | 'request';
}

const CODES: Record<number, CodeInfo> = {
  130429: { category: 'throughput', retry: 'number' },
  131056: { category: 'pair_rate', retry: 'recipient' },
  131047: { category: 'service_window', retry: 'no' },
  132000: { category: 'template', retry: 'no' },
  132001: { category: 'template', retry: 'no' },
  132005: { category: 'template', retry: 'no' },
  132007: { category: 'template', retry: 'no' },
  132012: { category: 'template', retry: 'no' },
  132015: { category: 'template', retry: 'no' },
  132016: { category: 'template', retry: 'no' },
  132018: { category: 'template', retry: 'no' },
  131050: { category: 'opted_out', retry: 'no' },
  131049: { category: 'recipient', retry: 'no' },
  131026: { category: 'recipient', retry: 'no' },
  131021: { category: 'recipient', retry: 'no' },
  130403: { category: 'recipient', retry: 'no' },
  130497: { category: 'recipient', retry: 'no' },
  131060: { category: 'message_unavailable', retry: 'no' },
  2593107: { category: 'sync', retry: 'no' },
  2593108: { category: 'sync', retry: 'no' },
  2593109: { category: 'sync', retry: 'no' },
  0: { category: 'auth', retry: 'no' },
  3: { category: 'auth', retry: 'no' },
  10: { category: 'auth', retry: 'no' },
  190: { category: 'auth', retry: 'no' },
  131005: { category: 'auth', retry: 'no' },
  4: { category: 'rate_limit', retry: 'request' },
  80007: { category: 'rate_limit', retry: 'request' },
  1: { category: 'transient', retry: 'request' },
  2: { category: 'transient', retry: 'request' },
  131000: { category: 'transient', retry: 'request' },
  131016: { category: 'transient', retry: 'request' },
  131057: { category: 'transient', retry: 'request' },
  133004: { category: 'transient', retry: 'request' },
  100: { category: 'invalid_request', retry: 'no' },
  131008: { category: 'invalid_request', retry: 'no' },
  131009: { category: 'invalid_request', retry: 'no' },
  131051: { category: 'invalid_request', retry: 'no' },
  131052: { category: 'invalid_request', retry: 'no' },
  131053: { category: 'invalid_request', retry: 'no' },
  131042: { category: 'account', retry: 'no' },
  131045: { category: 'account', retry: 'no' },
  133010: { category: 'account', retry: 'no' },
  131031: { category: 'account', retry: 'no' },
  368: { category: 'account', retry: 'no' },
  131048: { category: 'account', retry: 'no' },
  131063: { category: 'account', retry: 'no' },
  131064: { category: 'account', retry: 'no' },
};

function categorise(code: number, httpStatus: number | null): CodeInfo {
  const known = CODES[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return { category: 'auth', retry: 'no' };
  if (httpStatus !== null && httpStatus >= 500) return { category: 'transient', retry: 'request' };
  return { category: 'unknown', retry: 'no' };
}

/** Full jitter over an exponential curve: spreads retries of many clients apart. */
export function exponentialBackoff(baseMs: number, maxMs: number, random: () => number = Math.random) {
  return (attempt: number) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
}

/** Meta: on `131056` retry after 4^X seconds, X starting at 0. */
export function pairRateBackoff(attempt: number): number {
  return Math.min(4 ** Math.max(0, attempt) * 1000, 15 * 60_000);
}

function adviceFor(retry: CodeInfo['retry']): RetryAdvice {
  switch (retry) {
    case 'no':
      return { retryable: false };
    case 'number':
      return { retryable: true, scope: 'number', backoffMs: exponentialBackoff(1000, 60_000) };
    case 'recipient':
      return { retryable: true, scope: 'recipient', backoffMs: pairRateBackoff };
    case 'request':
      return { retryable: true, scope: 'request', backoffMs: exponentialBackoff(500, 30_000) };
  }
}

export interface MetaErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { messaging_product?: string; details?: string };
  fbtrace_id?: string;
  error_user_title?: string;
  error_user_msg?: string;
}

/** An error answer from the Graph API. */
export class MetaError extends Error {
  override readonly name = 'MetaError';
  readonly code: number;
  readonly subcode: number | null;
  readonly type: string | null;
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly httpStatus: number | null;
  readonly category: MetaErrorCategory;
  readonly retry: RetryAdvice;

  constructor(body: MetaErrorBody, httpStatus: number | null, operation: string) {
    const code = typeof body.code === 'number' ? body.code : -1;
    const info = categorise(code, httpStatus);
    super(
      `${operation} failed: ${body.message ?? `Meta error ${code}`}${body.error_data?.details ? ` (${body.error_data.details})` : ''}`,
    );
    this.code = code;
    this.subcode = typeof body.error_subcode === 'number' ? body.error_subcode : null;
    this.type = body.type ?? null;
    this.details = body.error_data?.details ?? null;
    this.fbtraceId = body.fbtrace_id ?? null;
    this.httpStatus = httpStatus;
    this.category = info.category;
    this.retry = adviceFor(info.retry);
  }

  toJSON() {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      subcode: this.subcode,
      type: this.type,
      details: this.details,
      fbtrace_id: this.fbtraceId,
      http_status: this.httpStatus,
      category: this.category,
      retryable: this.retry.retryable,
    };
  }
}

/**
 * The request did not get an answer from Meta: connection refused, reset, or timed out.
 * `maybeDelivered` is true when the request may have reached Meta before the failure (a
 * timeout or reset after the body was sent): for a send, Meta may have accepted the message,
 * so it must not be blindly sent again.
 */
export class MetaNetworkError extends Error {
  override readonly name = 'MetaNetworkError';
  readonly category: MetaErrorCategory = 'transient';
  readonly retry: RetryAdvice = {
    retryable: true,
    scope: 'request',
    backoffMs: exponentialBackoff(500, 30_000),
  };
  readonly maybeDelivered: boolean;
  readonly reason: string;

  constructor(operation: string, reason: string, maybeDelivered: boolean, options?: { cause?: unknown }) {
    super(`${operation} failed: ${reason}`, options);
    this.reason = reason;
    this.maybeDelivered = maybeDelivered;
  }
}

/** Meta answered 2xx, but with a body we cannot read. */
export class MetaResponseError extends Error {
  override readonly name = 'MetaResponseError';
  readonly httpStatus: number;
  constructor(operation: string, httpStatus: number, problem: string) {
    super(`${operation}: unexpected answer from Meta (HTTP ${httpStatus}): ${problem}`);
    this.httpStatus = httpStatus;
  }
}

export function isMetaError(error: unknown): error is MetaError {
  return error instanceof MetaError;
}
