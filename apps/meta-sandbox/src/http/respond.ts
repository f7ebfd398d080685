import type { ServerResponse } from 'node:http';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Graph answers `application/json; charset=UTF-8`; so does the control API. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

export function sendRawJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}
