import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * The one error type routes throw: a snake_case code for programs, a message for people, the
 * HTTP status, and facts in `details`. The error middleware turns it into
 * `{"error":{"code","message","details"}}`; anything else becomes a 500 without internals.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: string,
    options: { status: number; message: string; details?: unknown; headers?: Record<string, string> },
  ) {
    super(options.message);
    this.status = options.status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const notFound = (what: string, id: string) =>
  new AppError('not_found', { status: 404, message: `No ${what} ${JSON.stringify(id)} in this account.` });

/** Zod issues as `field: problem`, the field written the way the client wrote it. */
export function invalidRequest(issues: readonly z.core.$ZodIssue[] | { field: string; message: string }[]) {
  const fields = issues.map((issue) =>
    'field' in issue
      ? issue
      : {
          field:
            issue.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') || '(request body)',
          message: issue.message,
        },
  );
  return new AppError('invalid_request', {
    status: 400,
    message: fields.map(({ field, message }) => `${field}: ${message}`).join('; '),
    details: { fields },
  });
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw invalidRequest(result.error.issues);
  return result.data;
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('route_not_found', { status: 404, message: `No route for ${req.method} ${req.path}.` }));
};

/** Errors body-parser raises, in our words. */
function fromBodyParser(error: { type?: string; status?: number; limit?: number }): AppError | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', { status: 400, message: 'The request body is not valid JSON.' });
    case 'entity.too.large':
      return new AppError('payload_too_large', {
        status: 413,
        message: `The request body is larger than ${error.limit} bytes.`,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', { status: 415, message: 'Send the body as UTF-8 JSON.' });
    case 'request.aborted':
      return new AppError('request_aborted', { status: 400, message: 'The request was aborted.' });
    default:
      return null;
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known =
      error instanceof AppError
        ? error
        : fromBodyParser(error as { type?: string; status?: number; limit?: number });
    if (known) {
      if (known.status >= 500) logger.error({ err: error, path: req.path }, known.message);
      res.status(known.status).set(known.headers).json(known.toJSON());
      return;
    }
    if ((error as { code?: string })?.code === 'CHDB_CONNECTION') {
      res.status(503).json({
        error: {
          code: 'analytics_elsewhere',
          message:
            'This api process does not own the embedded ClickHouse (it runs with API_WORKERS=false beside the one that does). Ask the api that runs the workers, or give every api a ClickHouse server (CLICKHOUSE_URL).',
        },
      });
      return;
    }
    if (isStoreUnavailable(error)) {
      logger.warn({ err: error, path: req.path }, 'a store is unavailable');
      res
        .status(503)
        .set('Retry-After', '5')
        .json({
          error: {
            code: 'service_unavailable',
            message: 'A store we depend on is unreachable; retry shortly.',
          },
        });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  };
}

/** Redis or ClickHouse out of reach: the client should retry, nothing is wrong with its request. */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET/.test(error.message) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET'
  );
}
