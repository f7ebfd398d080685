import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { createBusiness, handleControl } from './control/routes.js';
import type { businessSchema } from './control/schemas.js';
import { unknownPath } from './graph/errors.js';
import { handleGraph, isGraphPath } from './graph/router.js';
import { sendJson } from './http/respond.js';
import { resolveOptions, type SandboxOptions } from './options.js';
import { Sandbox } from './sandbox.js';
import { handleSignup, isSignupPath } from './signup/routes.js';
import { SignupSessions } from './signup/sessions.js';

export type BusinessInput = z.input<typeof businessSchema>;
export type CreatedBusiness = Awaited<ReturnType<typeof createBusiness>>;

/** A running sandbox: its address, the world behind it, and a way to stop it. */
export interface SandboxHandle {
  /** `http://127.0.0.1:<port>`: the Graph base URL, the SDK origin and the control API's home */
  url: string;
  port: number;
  host: string;
  /** the in-process world, for tests that want to look closer than the control API shows */
  sandbox: Sandbox;
  server: Server;
  /** `POST /__sandbox/businesses` without HTTP: a business that has finished Embedded Signup */
  createBusiness(input?: BusinessInput): Promise<CreatedBusiness>;
  /** resolves true once every scheduled webhook has been delivered (or given up) */
  idle(timeoutMs?: number): Promise<boolean>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * The HTTP server over a sandbox: the Graph API (`/vNN.N/…`), Embedded Signup (`/sdk.js`,
 * `/dialog/…`, `/`), the control API (`/__sandbox/…`) and `/healthz`. Plain `node:http`
 * routing keeps the send path short.
 */
export function createSandboxServer(options: SandboxOptions = {}): { server: Server; sandbox: Sandbox } {
  const sandbox = new Sandbox(resolveOptions(options));
  const sessions = new SignupSessions(sandbox);
  const server = createServer((req, res) => {
    dispatch(sandbox, sessions, req, res).catch((error: unknown) => {
      sandbox.options.log(
        `request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'internal', message: 'The sandbox failed on this request.' } });
      else res.destroy();
    });
  });
  // Load generators and the platform keep connections open between calls.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('close', () => sandbox.close());
  sandbox.resetHooks.push(() => sessions.clear());
  return { server, sandbox };
}

async function dispatch(
  sandbox: Sandbox,
  sessions: SignupSessions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const search = mark === -1 ? '' : url.slice(mark + 1);
  if (path === '/__sandbox' || path.startsWith('/__sandbox/'))
    return handleControl(sandbox, req, res, path, search);
  if (isGraphPath(path)) return handleGraph(sandbox, req, res, path, search);
  if (path === '/healthz') {
    req.resume();
    return sendJson(res, 200, { ok: true });
  }
  if (isSignupPath(path)) return handleSignup(sandbox, sessions, req, res, path);
  req.resume();
  const error = unknownPath(path);
  sendJson(res, error.status, error.toJSON());
}

/**
 * Starts a sandbox on `options.port` (0 picks a free one) and `options.host` (loopback by
 * default). Tests start their own, in process, and close it when done.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const { server, sandbox } = createSandboxServer(options);
  const { host, port } = sandbox.options;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}`;
  // Paging links and QR codes use the address actually bound when no public URL is set.
  if (!sandbox.options.publicUrl && port === 0) sandbox.options.port = address.port;
  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    host,
    sandbox,
    server,
    createBusiness: (input = {}) => createBusiness(sandbox, input),
    idle: (timeoutMs) => sandbox.idle(timeoutMs),
    reset: () => sandbox.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        sandbox.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
