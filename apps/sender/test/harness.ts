import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiEnv, type RunningApi, startApi } from '@coexist/api';
import { type SandboxHandle, type SandboxOptions, startSandbox } from '@coexist/meta-sandbox';
import { createLogger } from '@coexist/runtime';
import {
  createRedis,
  deletePrefix,
  type NumberRecord,
  type OutboundMessageRecord,
  TEST_REDIS_URL,
  uniquePrefix,
} from '@coexist/storage';
import { loadSenderEnv } from '../src/env.js';
import { type RunningSender, type SenderOptions, startSender } from '../src/sender.js';

const ADMIN_TOKEN = 'sender-test-admin-token-0123456789';

/** Sandbox timings for tests: statuses within tens of milliseconds. */
export const FAST_TIMINGS: SandboxOptions['timings'] = {
  templateApprovalMs: 50,
  statusBatchMs: 20,
  sentAfterMs: 10,
  deliveredAfterMs: 30,
  readAfterMs: 50,
  webhookTimeoutMs: 2_000,
  webhookRetryDelaysMs: [20, 50, 100, 200, 500],
};

export interface Onboarded {
  phoneNumberId: string;
  wabaId: string;
  digits: string;
  token: string;
}

export interface World {
  sandbox: SandboxHandle;
  api: RunningApi;
  prefix: string;
  /** what a sender process needs to join this world (for child processes) */
  senderEnv: Record<string, string>;
  apiKey: string;
  accountId: string;
  /** a sender on the same Redis, prefix and sandbox; stopped by close() if still running */
  startSender(
    env?: Record<string, string>,
    options?: Partial<Omit<SenderOptions, 'env'>>,
  ): Promise<RunningSender>;
  /** a business through signup at the sandbox, bound to our account with its templates synced */
  onboard(): Promise<Onboarded>;
  send(
    phoneNumberId: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  /** sends and expects a 202; returns our message id */
  queue(phoneNumberId: string, body: unknown): Promise<string>;
  message(id: string): Promise<OutboundMessageRecord>;
  /** polls the message until `done` holds */
  waitFor(
    id: string,
    done: (m: OutboundMessageRecord) => boolean,
    timeoutMs?: number,
  ): Promise<OutboundMessageRecord>;
  stats(phoneNumberId: string): Promise<any>;
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** ingest queue empty and written */
  drain(): Promise<void>;
  /** closes every sender still running (each test's afterEach) */
  stopSenders(): Promise<void>;
  close(): Promise<void>;
}

export const helloWorld = (to: string) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
});

export const text = (to: string, body = 'Your order has shipped') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole send path over real parts: the sandbox as Meta (its webhooks signed and posted to the
 * api), the api with its ingest worker and chDB, Redis, and senders started by the test.
 */
export async function startWorld(sandboxOptions: SandboxOptions = {}): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coexist-sender-'));
  const prefix = uniquePrefix('sender');
  const encryptionKey = randomBytes(32).toString('base64');
  const sandbox = await startSandbox({
    port: 0,
    webhookUrl: '',
    seed: `sender-${prefix}`,
    ...sandboxOptions,
    timings: { ...FAST_TIMINGS, ...sandboxOptions.timings },
  });
  const shared = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    SANDBOX_PORT: String(sandbox.port),
    LOG_LEVEL: 'silent',
  };
  const api = await startApi({
    env: loadApiEnv({ ...shared, PORT: '0', ADMIN_TOKEN, UI_DIR: join(dataDir, 'no-ui') }),
    logger: createLogger({ name: 'api-test', level: 'silent' }),
    writer: { maxDelayMs: 5 },
  });
  const senders = new Set<RunningSender>();
  const cleanup = createRedis(TEST_REDIS_URL);

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}/__sandbox/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  await control('POST', 'settings', { webhook_url: `${api.url}/webhooks/meta` });

  const apiCall = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${path.startsWith('/v1/admin') ? ADMIN_TOKEN : apiKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const account = await apiCall('POST', '/v1/admin/accounts', { name: 'Sender tests' });
  const accountId: string = account.body.account_id;
  const apiKey: string = account.body.api_key;

  const world: World = {
    sandbox,
    api,
    prefix,
    senderEnv: { ...shared, SENDER_RECONCILE_GRACE_MS: '3000' },
    apiKey,
    accountId,
    async startSender(env = {}, options = {}) {
      const sender = await startSender({
        env: loadSenderEnv({ ...world.senderEnv, ...env }),
        logger: createLogger({ name: 'sender-test', level: 'silent' }),
        sweepIntervalMs: 1_000,
        ...options,
      });
      senders.add(sender);
      const close = sender.close.bind(sender);
      sender.close = async () => {
        senders.delete(sender);
        await close();
      };
      return sender;
    },
    async onboard() {
      const created = await sandbox.createBusiness({
        subscribe: true,
        exchange: true,
        history: { days: 1, messages_per_day: 1 },
        contacts: 2,
      });
      const token = (created as { access_token?: string }).access_token!;
      const context = api.context;
      const now = Date.now();
      const digits = created.display_phone_number.replace(/\D/g, '');
      const binding = await context.bindings.create(accountId);
      const record: NumberRecord = {
        phoneNumberId: created.phone_number_id,
        accountId,
        bindingId: binding.id,
        wabaId: created.waba_id,
        displayPhoneNumber: digits,
        verifiedName: 'Sender test shop',
        status: 'active',
        timezone: 'America/New_York',
        throughputMps: 20,
        onboardedAt: now - 60_000,
        shareHistory: false,
        sealedToken: context.cipher.encrypt(token, created.waba_id),
        createdAt: now,
        updatedAt: now,
      };
      await context.bindings.save({
        ...binding,
        status: 'active',
        wabaId: record.wabaId,
        phoneNumberId: record.phoneNumberId,
        displayPhoneNumber: digits,
        timezone: record.timezone,
        onboardedAt: record.onboardedAt,
        shareHistory: false,
        sealedToken: record.sealedToken,
      });
      await context.numbers.save(record);
      const synced = await apiCall('POST', '/v1/templates/sync', { waba_id: record.wabaId });
      if (synced.status !== 200) throw new Error(`template sync: ${JSON.stringify(synced.body)}`);
      return { phoneNumberId: record.phoneNumberId, wabaId: record.wabaId, digits, token };
    },
    send: (phoneNumberId, body, headers) =>
      apiCall('POST', `/v1/numbers/${phoneNumberId}/messages`, body, headers),
    async queue(phoneNumberId, body) {
      const response = await world.send(phoneNumberId, body);
      if (response.status !== 202)
        throw new Error(`send: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.messages[0].id;
    },
    async message(id) {
      const message = await api.context.messages.get(id);
      if (!message) throw new Error(`no message ${id}`);
      return message;
    },
    async waitFor(id, done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = await world.message(id);
        if (done(message)) return message;
        if (Date.now() > deadline)
          throw new Error(
            `message ${id} still ${message.status} after ${timeoutMs} ms: ${JSON.stringify(message.error)}`,
          );
        await sleep(20);
      }
    },
    stats: (phoneNumberId) => control('GET', `numbers/${phoneNumberId}/stats`),
    control,
    async drain() {
      await sandbox.idle(10_000);
      const queue = api.context.queues.ingest;
      for (let i = 0; i < 500; i++) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) {
          await api.writer.flush();
          return;
        }
        await sleep(20);
      }
      throw new Error('ingest did not drain in 10 s');
    },
    async stopSenders() {
      await Promise.all([...senders].map((s) => s.close()));
    },
    async close() {
      await Promise.all([...senders].map((s) => s.close()));
      await api.close();
      await sandbox.close();
      await deletePrefix(cleanup, prefix);
      await cleanup.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

export const isFinal = (m: OutboundMessageRecord) => m.status !== 'queued' && m.status !== 'sending';
export const isAccepted = (m: OutboundMessageRecord) =>
  ['accepted', 'sent', 'delivered', 'read', 'played'].includes(m.status);

/** The most timestamps in any window of `windowMs` (sorted or not). */
export function maxInAnyWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** Queues `count` messages straight into a number's lane, as the api does, without HTTP (for big backlogs). */
export async function backlog(
  world: World,
  phoneNumberId: string,
  count: number,
  to = (i: number) => `+1650777${String(i).padStart(4, '0')}`,
) {
  const { MessageStore, SendLanes } = await import('@coexist/storage');
  const lanes = new SendLanes(world.api.context.redis, world.api.context.keys);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => i + j);
    const created = await Promise.all(
      batch.map((k) => {
        const body = helloWorld(to(k));
        return world.api.context.messages.create({
          id: MessageStore.newId(),
          accountId: world.accountId,
          phoneNumberId,
          to: body.to,
          recipient: body.to.replace(/\D/g, ''),
          type: 'template',
          templateName: 'hello_world',
          templateLanguage: 'en_US',
          templateCategory: 'UTILITY',
          body: JSON.stringify({ ...body, recipient_type: 'individual' }),
          createdAt: Date.now(),
        });
      }),
    );
    for (const message of created) {
      await lanes.enqueue(phoneNumberId, message.id);
      ids.push(message.id);
    }
  }
  return ids;
}
