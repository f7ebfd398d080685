import type { ApiErrorBody } from './types.js';

/** An answer other than 2xx, or no answer at all (`status` 0), in the API's own words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
}

export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** the raw response of a successful GET, for downloads */
  download(path: string, signal?: AbortSignal): Promise<Response>;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: unknown } | null)?.error as
    | { code?: unknown; message?: unknown }
    | undefined;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retry = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (isErrorBody(body)) {
      const { code, message, details } = body.error;
      return new ApiError(response.status, code, message || code, details, retry);
    }
  } catch {}
  return new ApiError(
    response.status,
    'http_error',
    `The API answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    undefined,
    retry,
  );
}

const networkError = () =>
  new ApiError(
    0,
    'network_error',
    'The Coexist API did not answer. Check that it is running and that this page is served by it.',
  );

/**
 * Every `/v1` call carries the API key. A 401 calls `onUnauthorized` so the app can ask for the
 * key again; the error is still thrown to the caller.
 */
export function createApiClient(
  apiKey: string,
  options: { baseUrl?: string; onUnauthorized?: () => void; fetch?: typeof fetch } = {},
): ApiClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send(method: string, path: string, request: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: request.signal ?? null,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw networkError();
    }
    if (!response.ok) {
      const error = await toApiError(response);
      if (response.status === 401) options.onUnauthorized?.();
      throw error;
    }
    return response;
  }

  const client: ApiClient = {
    async request<T>(method: string, path: string, request?: RequestOptions): Promise<T> {
      const response = await send(method, path, request);
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
    get: (path, signal) => client.request('GET', path, { signal }),
    post: (path, body, headers) =>
      client.request('POST', path, { body: body ?? {}, ...(headers ? { headers } : {}) }),
    download: (path, signal) => send('GET', path, { signal }),
  };
  return client;
}

/** Whether an error is the browser giving up on a request the page cancelled. */
export function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}
