import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonBody, readBody } from '../http/body.js';
import { sendJson, sendRawJson } from '../http/respond.js';
import type { Sandbox } from '../sandbox.js';
import type { BusinessToken, PhoneNumber, Waba } from '../state/world.js';
import {
  configurePhoneNumber,
  listPhoneNumbers,
  listSubscribedApps,
  phoneNumberNode,
  refuseRegistration,
  subscribeApp,
  unsubscribeApp,
  wabaNode,
} from './accounts.js';
import {
  GraphError,
  invalidParameter,
  oauthError,
  unknownPath,
  unsupportedRequest,
  whatsappError,
} from './errors.js';
import { handleMessages } from './messages.js';
import { exchangeAccessToken } from './oauth.js';
import { authenticate, type GraphRequest } from './request.js';
import { requestSync } from './sync.js';
import { createTemplate, getTemplate, listTemplates } from './templates.js';

const VERSION = /^\/(v\d{1,2}\.\d{1,2})(\/.*)?$/;
const DEFAULT_VERSION = 'v25.0';

/** Whether a path belongs to the Graph API: `/vNN.N/…`, or unversioned as Graph also allows. */
export function isGraphPath(path: string): boolean {
  return VERSION.test(path) || /^\/(\d+|oauth)(\/|$)/.test(path);
}

/**
 * The Graph API under any `/vNN.N/` prefix (or none). Every answer is JSON; every error uses
 * Meta's envelope; nothing a caller sends can crash it.
 */
export async function handleGraph(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): Promise<void> {
  sandbox.graphRequests += 1;
  const match = VERSION.exec(path);
  const version = match ? match[1]! : DEFAULT_VERSION;
  const rest = match ? (match[2] ?? '/') : path;
  const segments = rest.split('/').filter((segment) => segment !== '');

  const faults = sandbox.faults;
  if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
  if (faults.timeoutRate > 0 && Math.random() < faults.timeoutRate) {
    // Never answered: the caller's own timeout decides. Nothing was accepted.
    sandbox.graphTimeouts += 1;
    req.resume();
    return;
  }
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
    req.resume();
    const error = transientError();
    sendJson(res, error.status, error.toJSON());
    return;
  }

  let body: unknown = {};
  if (req.method === 'POST' || req.method === 'DELETE') {
    const read = await readBody(req);
    if (!read.ok) {
      const error = invalidParameter(
        read.reason === 'too_large' ? 'The request body is too large.' : 'The request body was cut short.',
      );
      sendJson(res, error.status, error.toJSON());
      return;
    }
    const parsed = parseJsonBody(read.raw, req.headers['content-type']);
    if (!parsed.ok) {
      const error = whatsappError(100, { details: `The request body is not valid JSON: ${parsed.problem}` });
      countRejection(sandbox, segments, error);
      sendJson(res, error.status, error.toJSON());
      return;
    }
    body = parsed.value;
  } else {
    req.resume();
  }

  const request: GraphRequest = {
    sandbox,
    method: req.method ?? 'GET',
    segments,
    query: new URLSearchParams(search),
    body,
    req,
    baseUrl: baseUrlOf(sandbox, req),
    version,
  };
  try {
    const answer = await route(request, res);
    if (answer !== undefined) sendJson(res, 200, answer);
  } catch (error) {
    const graphError = error instanceof GraphError ? error : internalError(sandbox, error);
    sendJson(res, graphError.status, graphError.toJSON(), graphError.headers);
  }
}

/** Returns the JSON answer, or undefined when the route answered itself (the send hot path). */
async function route(
  request: GraphRequest,
  res: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  const { sandbox, segments, method } = request;
  const [id, edge, ...more] = segments;
  if (id === undefined) throw unknownPath('/');

  if (id === 'oauth') {
    if (edge === 'access_token' && more.length === 0 && (method === 'GET' || method === 'POST')) {
      return exchangeAccessToken(request);
    }
    throw unknownPath(`/${segments.join('/')}`);
  }
  if (!/^\d{1,32}$/.test(id)) {
    throw oauthError(803, `(#803) Some of the aliases you requested do not exist: ${id}`);
  }

  // Counted before anything else can refuse them: tests prove the platform never calls these.
  const number = sandbox.numbers.get(id);
  if (number && (edge === 'register' || edge === 'deregister')) {
    if (edge === 'register') number.counters.registerCalls += 1;
    else number.counters.deregisterCalls += 1;
    const token = authenticate(request);
    if (!sandbox.canSee(token, number.wabaId) || method !== 'POST' || more.length > 0) {
      throw unsupportedRequest(method, id);
    }
    refuseRegistration(edge);
  }

  const token = authenticate(request);
  if (more.length > 0) throw unknownPath(`/${[edge, ...more].join('/')}`);

  if (number) {
    const waba = sandbox.wabas.get(number.wabaId);
    if (!waba || !sandbox.canSee(token, waba.id)) throw unsupportedRequest(method, id);
    return routeNumber(request, res, number, waba, edge);
  }
  const waba = sandbox.wabas.get(id);
  if (waba) {
    if (!sandbox.canSee(token, waba.id)) throw unsupportedRequest(method, id);
    return routeWaba(request, waba, edge);
  }
  const template = findTemplate(sandbox, token, id);
  if (template && edge === undefined && method === 'GET') return getTemplate(request, template);
  const portfolio = sandbox.portfolios.get(id);
  if (portfolio && portfolio.id === token.businessId && edge === undefined && method === 'GET') {
    return { id: portfolio.id, name: portfolio.name };
  }
  throw unsupportedRequest(method, id);
}

async function routeNumber(
  request: GraphRequest,
  res: ServerResponse,
  number: PhoneNumber,
  waba: Waba,
  edge: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const { method, sandbox } = request;
  switch (edge) {
    case 'messages': {
      if (method !== 'POST') break;
      const outcome = handleMessages(sandbox, number, waba, request.body);
      if (outcome.ok) sendRawJson(res, 200, outcome.json);
      else sendJson(res, outcome.error.status, outcome.error.toJSON());
      return undefined;
    }
    case 'smb_app_data':
      if (method !== 'POST') break;
      return requestSync(request, number);
    case undefined:
      if (method === 'GET') return phoneNumberNode(request, number);
      if (method === 'POST') return configurePhoneNumber(request, number);
      break;
    case 'register':
    case 'deregister':
      break;
    default:
      throw unknownPath(`/${edge}`);
  }
  throw unsupportedRequest(method, number.id);
}

async function routeWaba(
  request: GraphRequest,
  waba: Waba,
  edge: string | undefined,
): Promise<Record<string, unknown>> {
  const { method } = request;
  switch (edge) {
    case undefined:
      if (method === 'GET') return wabaNode(request, waba);
      break;
    case 'phone_numbers':
      if (method === 'GET') return listPhoneNumbers(request, waba);
      break;
    case 'subscribed_apps':
      if (method === 'GET') return listSubscribedApps(request, waba);
      if (method === 'POST') return subscribeApp(request, waba);
      if (method === 'DELETE') return unsubscribeApp(request, waba);
      break;
    case 'message_templates':
      if (method === 'GET') return listTemplates(request, waba);
      if (method === 'POST') return createTemplate(request, waba);
      break;
    default:
      throw unknownPath(`/${edge}`);
  }
  throw unsupportedRequest(method, waba.id);
}

function findTemplate(sandbox: Sandbox, token: BusinessToken, id: string) {
  for (const wabaId of token.wabaIds) {
    const found = sandbox.wabas.get(wabaId)?.templates.byId(id);
    if (found) return found;
  }
  return undefined;
}

/** A rejection that never reached a number's rules (unreadable body) still counts for it. */
function countRejection(sandbox: Sandbox, segments: string[], error: GraphError): void {
  const number = segments[1] === 'messages' ? sandbox.numbers.get(segments[0] ?? '') : undefined;
  if (!number) return;
  number.counters.rejected += 1;
  const code = String(error.code);
  number.counters.rejectedByCode[code] = (number.counters.rejectedByCode[code] ?? 0) + 1;
}

const TRANSIENT = [
  { code: 131000, details: 'Something went wrong. Please try again later.' },
  { code: 1, details: 'An unknown error occurred. Please retry your request later.' },
  { code: 2, details: 'Service temporarily unavailable. Please retry your request later.' },
  { code: 131016, details: 'A service is temporarily unavailable. Please retry your request later.' },
];

/** What fault injection answers: one of Meta's transient 5xx errors. */
function transientError(): GraphError {
  const pick = TRANSIENT[Math.floor(Math.random() * TRANSIENT.length)]!;
  return whatsappError(pick.code, { details: pick.details });
}

function internalError(sandbox: Sandbox, error: unknown): GraphError {
  sandbox.options.log(
    `graph handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return whatsappError(1, { details: 'An unknown error occurred in the sandbox.' });
}

export function baseUrlOf(sandbox: Sandbox, req: IncomingMessage): string {
  if (sandbox.options.publicUrl) return sandbox.options.publicUrl;
  const host = req.headers.host ?? `${sandbox.options.host}:${sandbox.options.port}`;
  return `http://${host}`;
}
