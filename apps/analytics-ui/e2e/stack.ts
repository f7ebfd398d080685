/**
 * The whole platform in this process, on free ports, for the browser tests: the Meta sandbox
 * (fast timings), the api (its own Redis key prefix and DATA_DIR, serving a fresh build of the
 * dashboard) and a sender.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApiEnv, type RunningApi, startApi } from '@coexist/api';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { createLogger } from '@coexist/runtime';
import { createRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@coexist/storage';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Stack {
  apiUrl: string;
  sandboxUrl: string;
  api: RunningApi;
  sandbox: SandboxHandle;
  /** null when the sender could not start (the send test says so) */
  sender: { close(): Promise<void> } | null;
  senderProblem: string | null;
  adminToken: string;
  apiKey: string;
  /** a fetch against the api with the account's key */
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** the sandbox's control API */
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Builds the dashboard into a fresh folder, as the api serves it in production. */
export async function buildUi(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'coexist-ui-'));
  // the test runner sets NODE_ENV=test, which would give React's development build
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: PACKAGE_DIR,
      configFile: join(PACKAGE_DIR, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

async function json(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startStack(
  options: { uiDir: string; historyChunkMaxBytes?: number; logLevel?: string } = { uiDir: '' },
): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coexist-e2e-'));
  const prefix = uniquePrefix('ui-e2e');
  const adminToken = `adm_${randomBytes(16).toString('hex')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const logLevel = options.logLevel ?? 'warn';

  const sandbox = await startSandbox({
    port: 0,
    seed: 'coexist-dashboard',
    // Every delivered template is read, so the test can wait for `read`.
    readFraction: 1,
    // Small parts, so the history arrives in a few dozen webhooks the bar can follow.
    historyChunkMaxBytes: options.historyChunkMaxBytes ?? 60_000,
    webhookUrl: '',
    timings: {
      templateApprovalMs: 200,
      statusBatchMs: 50,
      sentAfterMs: 150,
      deliveredAfterMs: 500,
      readAfterMs: 1_200,
      historyChunkIntervalMs: 120,
      mediaFollowUpDelayMs: 300,
      webhookTimeoutMs: 5_000,
      webhookRetryDelaysMs: [100, 300, 1_000, 3_000],
    },
  });

  const env = {
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    SANDBOX_PORT: String(sandbox.port),
    LOG_LEVEL: logLevel,
  };
  const logger = createLogger({ name: 'api-e2e', level: logLevel as 'warn' });
  const api = await startApi({
    env: loadApiEnv({ ...env, UI_DIR: options.uiDir }),
    logger,
    writer: { maxDelayMs: 20 },
    refresher: { debounceMs: 100, pollMs: 100 },
  });

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const answer = await json(response);
    if (!response.ok)
      throw new Error(`sandbox ${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer as T;
  };
  // the sandbox runs Meta's verification handshake against the api when the URL changes
  await control('POST', '/settings', { webhook_url: `${api.url}/webhooks/meta` });

  let sender: Stack['sender'] = null;
  let senderProblem: string | null = null;
  try {
    const { loadSenderEnv, startSender } = await import('@coexist/sender');
    sender = await startSender({
      env: loadSenderEnv(env),
      logger: createLogger({ name: 'sender-e2e', level: logLevel as 'warn' }),
    });
  } catch (error) {
    senderProblem = `the sender did not start: ${(error as Error).message}`;
  }

  const created = await fetch(`${api.url}/v1/admin/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Dashboard e2e' }),
  });
  const account = await json(created);
  if (created.status !== 201) throw new Error(`account: ${JSON.stringify(account)}`);
  const apiKey = account.api_key as string;

  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.status, body: (await json(response)) as T };
  };

  return {
    apiUrl: api.url,
    sandboxUrl: sandbox.url,
    api,
    sandbox,
    sender,
    senderProblem,
    adminToken,
    apiKey,
    call,
    control,
    async close() {
      await sender?.close().catch(() => {});
      await sandbox.close().catch(() => {});
      await api.close().catch(() => {});
      const redis = createRedis(TEST_REDIS_URL);
      await deletePrefix(redis, prefix).catch(() => {});
      await redis.quit().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
