import { vi } from 'vitest';
import { type ApiClient, ApiError } from '../api/client.js';

type Handler = (body: unknown, headers: Record<string, string> | undefined) => unknown;

/** An ApiClient answering from a table of `METHOD path` → value (or a function, or an ApiError to throw). */
export function fakeApi(routes: Record<string, unknown | Handler>) {
  const calls: Array<{
    method: string;
    path: string;
    body: unknown;
    headers: Record<string, string> | undefined;
  }> = [];
  const answer = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    calls.push({ method, path, body, headers });
    const route = routes[`${method} ${path}`];
    if (route === undefined) throw new ApiError(404, 'route_not_found', `No route for ${method} ${path}.`);
    const value = typeof route === 'function' ? (route as Handler)(body, headers) : route;
    if (value instanceof Error) throw value;
    return structuredClone(value);
  };
  const client: ApiClient = {
    request: vi.fn(
      (method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }) =>
        answer(method, path, options?.body, options?.headers),
    ) as ApiClient['request'],
    get: vi.fn((path: string) => answer('GET', path)) as ApiClient['get'],
    post: vi.fn((path: string, body?: unknown, headers?: Record<string, string>) =>
      answer('POST', path, body, headers),
    ) as ApiClient['post'],
    download: vi.fn(async () => new Response('')),
  };
  return { client, calls };
}
