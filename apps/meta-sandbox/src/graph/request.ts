import type { IncomingMessage } from 'node:http';
import type { Sandbox } from '../sandbox.js';
import type { BusinessToken } from '../state/world.js';
import { invalidParameter, invalidToken, nonexistingField } from './errors.js';

/** One Graph call after routing: who asks, about what, with which arguments. */
export interface GraphRequest {
  sandbox: Sandbox;
  method: string;
  /** the path after the version: `['106540352242922', 'messages']` */
  segments: string[];
  query: URLSearchParams;
  /** parsed JSON (or form) body; `{}` when there is none */
  body: unknown;
  req: IncomingMessage;
  /** `http://host:port` as the caller reached the sandbox, for paging links */
  baseUrl: string;
  version: string;
}

/**
 * The business token of a call: `Authorization: Bearer …` or `access_token` (query or body),
 * as Graph accepts both. Throws Graph's `190` otherwise.
 */
export function authenticate(request: GraphRequest): BusinessToken {
  const header = request.req.headers.authorization;
  let token: string | null = null;
  if (typeof header === 'string' && header.length > 0) {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    if (!match) throw invalidToken('malformed', request.sandbox.options.appId);
    token = match[1]!.trim();
  } else {
    token = request.query.get('access_token') ?? bodyString(request.body, 'access_token');
  }
  if (!token) throw invalidToken('missing', request.sandbox.options.appId);
  const found = request.sandbox.tokens.get(token);
  if (!found)
    throw invalidToken(
      /^EAA[A-Za-z0-9]+$/.test(token) ? 'unknown' : 'malformed',
      request.sandbox.options.appId,
    );
  if (found.revoked) throw invalidToken('revoked', request.sandbox.options.appId);
  return found;
}

function bodyString(body: unknown, key: string): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** A parameter from the query string or the body, as Graph reads both. */
export function param(request: GraphRequest, key: string): unknown {
  const fromQuery = request.query.get(key);
  if (fromQuery !== null) return fromQuery;
  if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
    return (request.body as Record<string, unknown>)[key];
  }
  return undefined;
}

/**
 * `?fields=a,b,throughput{level}` as top-level names; unknown names get Graph's `100`
 * "Tried accessing nonexisting field". Null when `fields` is not given.
 */
export function requestedFields(
  request: GraphRequest,
  known: ReadonlySet<string>,
  nodeType: string,
): string[] | null {
  const raw = request.query.get('fields');
  if (raw === null || raw.trim() === '') return null;
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '{') depth += 1;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else if (depth === 0) current += char;
  }
  names.push(current);
  const fields = names.map((name) => name.trim()).filter((name) => name !== '');
  for (const field of fields) {
    if (!known.has(field)) throw nonexistingField(field, nodeType);
  }
  return fields;
}

/** Picks `fields` (or the defaults) from a full node. */
export function pick(node: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (node[field] !== undefined) out[field] = node[field];
  if (node.id !== undefined) out.id = node.id;
  return out;
}

/** A positive integer parameter such as `limit`, or Graph's `100` naming it. */
export function intParam(request: GraphRequest, key: string, fallback: number, max: number): number {
  const value = param(request, key);
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw invalidParameter(`Param ${key} must be a positive integer`);
  }
  return Math.min(number, max);
}

/** Paging cursors are opaque to callers: base64 of a position. */
export function encodeCursor(position: number): string {
  return Buffer.from(`pos:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string, key: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^pos:(\d+)$/.exec(text);
  if (!match) throw invalidParameter(`Param ${key} is not a valid cursor`);
  return Number(match[1]);
}
