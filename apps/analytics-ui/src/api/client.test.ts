import { describe, expect, it, vi } from 'vitest';
import { adviceFor } from './advice.js';
import { ApiError, createApiClient } from './client.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('the API client', () => {
  it('sends the key and JSON, and reads JSON', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json(201, { id: 'b1' }));
    const api = createApiClient('cx_key', { fetch });
    expect(await api.post('/v1/bindings', { a: 1 }, { 'Idempotency-Key': 'k1' })).toEqual({ id: 'b1' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/v1/bindings');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({
      authorization: 'Bearer cx_key',
      'content-type': 'application/json',
      'Idempotency-Key': 'k1',
    });
    expect(init?.body).toBe('{"a":1}');
  });

  it('turns the error body into words, with advice by code', async () => {
    const api = createApiClient('k', {
      fetch: async () =>
        json(422, { error: { code: 'unsupported_country', message: 'Numbers from +234 cannot coexist.' } }),
    });
    const error = await api.get('/v1/x').catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'unsupported_country',
      message: 'Numbers from +234 cannot coexist.',
    });
    expect(adviceFor(error)).toMatch(/another country code/);
  });

  it('asks to sign in again on 401', async () => {
    const onUnauthorized = vi.fn();
    const api = createApiClient('k', {
      onUnauthorized,
      fetch: async () =>
        json(401, { error: { code: 'unauthorized', message: 'This API key is not valid.' } }),
    });
    await expect(api.get('/v1/numbers')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('names an api that does not answer, and a non-JSON error', async () => {
    const down = createApiClient('k', {
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(down.get('/v1/numbers')).rejects.toMatchObject({ status: 0, code: 'network_error' });
    const proxy = createApiClient('k', {
      fetch: async () =>
        new Response('<html>Bad gateway</html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'retry-after': '3' },
        }),
    });
    await expect(proxy.get('/v1/numbers')).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'The API answered 502 Bad Gateway.',
      retryAfterSeconds: 3,
    });
  });
});
