import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseUrlOf } from '../graph/router.js';
import { parseJsonBody, readBody } from '../http/body.js';
import { sendJson, sendText } from '../http/respond.js';
import type { Sandbox } from '../sandbox.js';
import { DEFAULT_BUSINESS_TIMEZONE, META_TIMEZONES } from '../state/timezones.js';
import { SignupError, type SignupSessions } from './sessions.js';

/** Static files of the popup and the SDK, read once. */
const ASSETS = {
  sdk: asset('sdk.js'),
  popupHtml: asset('popup.html'),
  popupJs: asset('popup.js'),
  popupCss: asset('popup.css'),
  home: asset('home.html'),
};

function asset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

/** Where the popup's options go: the page ships an empty JSON object there. */
const OPTIONS_SLOT = '<script id="es-options" type="application/json">{}</script>';

const COUNTRIES = [
  { code: 'US', name: 'United States', dial: '1' },
  { code: 'BR', name: 'Brazil', dial: '55' },
  { code: 'MX', name: 'Mexico', dial: '52' },
  { code: 'AR', name: 'Argentina', dial: '54' },
  { code: 'CO', name: 'Colombia', dial: '57' },
  { code: 'CL', name: 'Chile', dial: '56' },
  { code: 'GB', name: 'United Kingdom', dial: '44' },
  { code: 'DE', name: 'Germany', dial: '49' },
  { code: 'ES', name: 'Spain', dial: '34' },
  { code: 'FR', name: 'France', dial: '33' },
  { code: 'IT', name: 'Italy', dial: '39' },
  { code: 'IN', name: 'India', dial: '91' },
  { code: 'ID', name: 'Indonesia', dial: '62' },
  { code: 'AE', name: 'United Arab Emirates', dial: '971' },
  { code: 'AU', name: 'Australia', dial: '61' },
  { code: 'NG', name: 'Nigeria', dial: '234' },
  { code: 'ZA', name: 'South Africa', dial: '27' },
].map((country) => ({ ...country, timezone: DEFAULT_BUSINESS_TIMEZONE[country.code] ?? '' }));

const APP_VERSIONS = [
  { value: '2.25.12', label: '2.25.12 (current)' },
  { value: '2.24.17', label: '2.24.17 (oldest that can connect)' },
  { value: '2.24.9', label: '2.24.9 (too old to connect)' },
];

/** Whether a path belongs to Embedded Signup: the SDK, the popup, its API, or the home page. */
export function isSignupPath(path: string): boolean {
  return path === '/' || path === '/sdk.js' || path === '/en_US/sdk.js' || path.startsWith('/dialog/');
}

export async function handleSignup(
  sandbox: Sandbox,
  sessions: SignupSessions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const baseUrl = baseUrlOf(sandbox, req);
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    switch (path) {
      case '/':
        return html(
          res,
          ASSETS.home
            .replaceAll('__BASE_URL__', baseUrl)
            .replaceAll('__APP_ID__', sandbox.options.appId)
            .replaceAll('__CONFIG_ID__', sandbox.options.configId),
        );
      case '/sdk.js':
      case '/en_US/sdk.js':
        return sendText(
          res,
          200,
          ASSETS.sdk.replace('__SANDBOX_ORIGIN__', baseUrl),
          'text/javascript; charset=utf-8',
          {
            'cache-control': 'no-cache',
            'access-control-allow-origin': '*',
          },
        );
      case '/dialog/oauth':
        return html(
          res,
          ASSETS.popupHtml.replace(
            OPTIONS_SLOT,
            `<script id="es-options" type="application/json">${popupOptions(sandbox)}</script>`,
          ),
        );
      case '/dialog/assets/popup.js':
        return sendText(res, 200, ASSETS.popupJs, 'text/javascript; charset=utf-8');
      case '/dialog/assets/popup.css':
        return sendText(res, 200, ASSETS.popupCss, 'text/css; charset=utf-8');
    }
  }

  const scan = /^\/dialog\/scan\/([a-f0-9]+)\/([A-Za-z0-9_-]+)$/.exec(path);
  if (scan && method === 'GET') {
    try {
      sessions.scan(scan[1]!, scan[2]!, {});
      return html(res, scanPage('Scanned. Continue in the WhatsApp Business app on the phone.'));
    } catch (error) {
      return html(
        res,
        scanPage(error instanceof SignupError ? error.message : 'This code cannot be used.'),
        400,
      );
    }
  }

  const api = /^\/dialog\/api\/sessions(?:\/([a-f0-9]+)(?:\/([a-z]+))?)?$/.exec(path);
  if (!api) {
    req.resume();
    return sendJson(res, 404, { error: { code: 'not_found', message: `Nothing at ${method} ${path}.` } });
  }
  let body: unknown = {};
  if (method === 'POST') {
    const read = await readBody(req, 64_000);
    const parsed = read.ok ? parseJsonBody(read.raw, 'application/json') : null;
    if (!parsed?.ok) {
      return sendJson(res, 400, { error: { code: 'invalid_json', message: 'The body must be JSON.' } });
    }
    body = parsed.value;
  } else {
    req.resume();
  }
  const [, id, action] = api;
  try {
    const answer = await sessionAction(sessions, method, id, action, body, baseUrl);
    sendJson(res, 200, answer);
  } catch (error) {
    if (error instanceof SignupError) {
      sendJson(res, error.status, {
        error: { code: error.code, message: error.message, field: error.field },
      });
    } else {
      sandbox.options.log(
        `signup handler failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
      );
      sendJson(res, 500, { error: { code: 'internal', message: 'The sandbox failed on this request.' } });
    }
  }
}

async function sessionAction(
  sessions: SignupSessions,
  method: string,
  id: string | undefined,
  action: string | undefined,
  body: unknown,
  baseUrl: string,
): Promise<unknown> {
  if (id === undefined) {
    if (method === 'POST') return sessions.start(body);
  } else if (action === undefined) {
    if (method === 'GET') return sessions.view(id);
  } else if (method === 'POST') {
    switch (action) {
      case 'login':
        return sessions.login(id);
      case 'portfolio':
        return sessions.choosePortfolio(id, body);
      case 'connect':
        return sessions.connectExisting(id);
      case 'number':
        return sessions.enterNumber(id, body, baseUrl);
      case 'scan':
        return sessions.scan(id, null, body);
      case 'share':
        return sessions.share(id, body);
      case 'finish':
        return sessions.finish(id, body);
      case 'cancel':
        return sessions.cancel(id, body);
    }
  }
  throw new SignupError(404, 'not_found', `No signup action ${method} ${action ?? ''}.`);
}

function popupOptions(sandbox: Sandbox): string {
  // `<` is escaped so that nothing in the JSON can close the script tag it sits in.
  return JSON.stringify({
    countries: COUNTRIES,
    appVersions: APP_VERSIONS,
    timezones: META_TIMEZONES.map((zone) => zone.iana),
    includeIds: sandbox.settings.signupEventIds,
    // Opened without FB.login (a demo), the popup signs up for the sandbox's own app.
    appId: sandbox.options.appId,
    configId: sandbox.options.configId,
  }).replaceAll('<', '\\u003c');
}

function html(res: ServerResponse, text: string, status = 200): void {
  sendText(res, status, text, 'text/html; charset=utf-8', {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}

function scanPage(message: string): string {
  const escaped = message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Coexist sandbox</title><link rel="stylesheet" href="/dialog/assets/popup.css"></head><body><main class="dialog" style="margin:40px auto;min-height:0;padding:24px"><p><span class="badge">Coexist sandbox</span></p><p>${escaped}</p></main></body></html>`;
}
