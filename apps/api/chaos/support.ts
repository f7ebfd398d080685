import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';

/** What the chaos suites share: ports, processes started from their `dist/main.js`, API calls. */

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node script` with `env` added to ours and resolves once its output matches `ready`
 * (rejects with the output's tail if it exits or takes over a minute). The child joins `started`,
 * so the suite can stop every process it began.
 */
export function startProcess(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  started: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start: ${output.slice(-2000)}`)),
      60_000,
    );
    const onData = (data: Buffer) => {
      output += data.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${output.slice(-2000)}`)));
  });
}

/** One call to the api on `port` with a bearer token; a non-2xx answer throws with its body. */
export async function apiCall(
  port: number,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as any;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A sandbox business through the whole binding flow with the account's key (signup with its
 * code, confirm with Meta's time zone, finish), as the dashboard's wizard drives it.
 */
export async function bindBusiness(
  call: (method: string, path: string, token: string, body?: unknown) => Promise<any>,
  key: string,
  business: { code: string; waba_id: string },
  shareHistory = true,
): Promise<void> {
  const binding = await call('POST', '/v1/bindings', key);
  await call('POST', `/v1/bindings/${binding.id}/signup`, key, {
    code: business.code,
    waba_id: business.waba_id,
    share_history: shareHistory,
  });
  await call('POST', `/v1/bindings/${binding.id}/confirm`, key, {});
  await call('POST', `/v1/bindings/${binding.id}/finish`, key);
}

/** A signed `messages` webhook carrying one inbound text, as Meta sends it: body and headers. */
export function signedTextWebhook(message: {
  wabaId: string;
  displayPhoneNumber: string;
  phoneNumberId: string;
  from: string;
  wamid: string;
  text: string;
}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: message.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: message.displayPhoneNumber,
                phone_number_id: message.phoneNumberId,
              },
              messages: [
                {
                  from: message.from,
                  id: message.wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: message.text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const headers = {
    'content-type': 'application/json',
    'x-hub-signature-256': signWebhookBody(body, SANDBOX_DEFAULTS.appSecret),
  };
  return { body, headers };
}

/** SIGTERM to every process still running (SIGKILL after 15 s); resolves when all have exited. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
}
