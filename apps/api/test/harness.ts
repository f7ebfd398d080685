import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';
import { createRedis, deletePrefix, type NumberRecord, TEST_REDIS_URL, uniquePrefix } from '@coexist/storage';
import { loadApiEnv } from '../src/env.js';
import { type RunningApi, type StartOptions, startApi } from '../src/server.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const PAYLOADS = new URL('../../../fixtures/meta/payloads/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, PAYLOADS), 'utf8');
}

export interface TestApi {
  api: RunningApi;
  url: string;
  /** every line the api logged */
  logs: string[];
  dataDir: string;
  prefix: string;
  close(): Promise<void>;
  createAccount(name?: string): Promise<{ accountId: string; apiKey: string }>;
  /** a fetch with the API key and JSON */
  call(apiKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  postWebhook(body: string, signature?: string | null): Promise<Response>;
  /** waits until the ingest queue is empty and the writer flushed */
  drain(): Promise<void>;
  /** a bound number without going through the sandbox: for webhook and ingest tests */
  bindNumber(accountId: string, number?: Partial<NumberRecord>): Promise<NumberRecord>;
}

export async function startTestApi(
  env: Record<string, string> = {},
  options: Partial<Omit<StartOptions, 'env'>> = {},
): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coexist-api-'));
  const prefix = uniquePrefix('api');
  const parsed = loadApiEnv({
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'debug',
    UI_DIR: join(dataDir, 'no-ui'),
    ...env,
  });
  const logs: string[] = [];
  const api = await startApi({
    env: parsed,
    // the api's own logger (its redaction included), written here instead of stdout
    logDestination: {
      write(line: string) {
        logs.push(line);
        if (process.env.TEST_LOG_LEVEL) process.stdout.write(line);
      },
    },
    writer: { maxDelayMs: 5 },
    ...options,
  });
  const cleanup = createRedis(TEST_REDIS_URL);

  const call: TestApi['call'] = async (apiKey, method, path, body) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsedBody: unknown = text;
    try {
      parsedBody = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsedBody };
  };

  return {
    api,
    url: api.url,
    logs,
    dataDir,
    prefix,
    async close() {
      await api.close();
      await deletePrefix(cleanup, prefix);
      await cleanup.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async createAccount(name = 'Test account') {
      const response = await call(ADMIN_TOKEN, 'POST', '/v1/admin/accounts', { name });
      if (response.status !== 201) throw new Error(`account: ${JSON.stringify(response.body)}`);
      return { accountId: response.body.account_id, apiKey: response.body.api_key };
    },
    call,
    postWebhook(body, signature) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = signature === undefined ? signWebhookBody(body, SANDBOX_DEFAULTS.appSecret) : signature;
      if (sig !== null) headers['x-hub-signature-256'] = sig;
      return fetch(`${api.url}/webhooks/meta`, { method: 'POST', headers, body });
    },
    async drain() {
      const queue = api.context.queues.ingest;
      for (let i = 0; i < 400; i++) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) {
          await api.writer.flush();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('ingest did not drain in 10 s');
    },
    async bindNumber(accountId, number = {}) {
      const now = Date.now();
      const binding = await api.context.bindings.create(accountId);
      const record: NumberRecord = {
        phoneNumberId: '106540352242922',
        accountId,
        bindingId: binding.id,
        wabaId: '102290129340398',
        displayPhoneNumber: '15550783881',
        verifiedName: 'Fixture Shop',
        status: 'active',
        timezone: 'America/Sao_Paulo',
        throughputMps: 20,
        // Meta's fixtures are from 2025: onboarded before them, so their messages open windows
        onboardedAt: Date.parse('2025-01-01T00:00:00Z'),
        shareHistory: true,
        sealedToken: api.context.cipher.encrypt('EAAtest', number.wabaId ?? '102290129340398'),
        createdAt: now,
        updatedAt: now,
        ...number,
      };
      await api.context.bindings.save({
        ...binding,
        status: record.status,
        wabaId: record.wabaId,
        phoneNumberId: record.phoneNumberId,
        displayPhoneNumber: record.displayPhoneNumber,
        timezone: record.timezone,
        onboardedAt: record.onboardedAt,
        shareHistory: record.shareHistory,
        sealedToken: record.sealedToken,
      });
      await api.context.numbers.save(record);
      return record;
    },
  };
}
