import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { createLogger } from '@coexist/runtime';
import { createQueue, createRedis, deletePrefix, Keys, TEST_REDIS_URL, uniquePrefix } from '@coexist/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, bindBusiness, freePort } from './support.js';

/**
 * kill -9 of the api in the middle of a webhook storm (history chunks + live messages): every
 * webhook that got a 200 ends up in ClickHouse exactly once; those that did not are delivered
 * again by the sandbox (as Meta does, for days) and also end up exactly once.
 */
const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, '../dist/main.js');
const ADMIN = 'chaos-admin-token-0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'coexist-chaos-api-'));
const prefix = uniquePrefix('chaos-api');
let sandbox: SandboxHandle;
let api: ChildProcess | null = null;
let port = 0;
let env: Record<string, string> = {};

async function startApi(): Promise<void> {
  api = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('api did not start');
}

async function killApi(): Promise<void> {
  const child = api;
  api = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const call = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(port, method, path, token, body);

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

beforeAll(async () => {
  port = await freePort();
  sandbox = await startSandbox({
    port: 0,
    seed: 'chaos',
    webhookUrl: `http://127.0.0.1:${port}/webhooks/meta`,
    // redeliver quickly: the test waits for it
    timings: { webhookRetryDelaysMs: [100, 250, 500, 1000, 2000, 2000, 4000, 4000, 8000, 8000] },
  });
  env = {
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    SANDBOX_PORT: String(sandbox.port),
    ADMIN_TOKEN: ADMIN,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'error',
  };
  await startApi();
});

afterAll(async () => {
  await killApi();
  await sandbox?.close();
  const redis = createRedis(TEST_REDIS_URL);
  await deletePrefix(redis, prefix);
  await redis.quit();
  if (!process.env.CHAOS_KEEP) rmSync(dataDir, { recursive: true, force: true });
  else console.log('kept', dataDir);
});

describe('kill -9 of the api during a webhook storm', () => {
  it('loses no webhook and stores none twice', async () => {
    const account = await call('POST', '/v1/admin/accounts', ADMIN, { name: 'Chaos' });
    const key = account.api_key as string;
    const business = await sandbox.createBusiness({
      display_phone_number: '+15558880001',
      timezone: 'America/New_York',
      share_history: true,
      history: { days: 180, messages_per_day: 150 },
      contacts: 300,
    });
    const truth = await control('GET', `/__sandbox/numbers/${business.phone_number_id}`);
    await bindBusiness(call, key, business);

    // live traffic on top of the history, while the api dies twice
    const inbound = 300;
    const storm = (async () => {
      for (let i = 0; i < inbound; i++) {
        await control('POST', `/__sandbox/numbers/${business.phone_number_id}/inbound`, {
          from: `+1650555${String(1000 + (i % 200)).padStart(4, '0')}`,
          text: `message ${i}`,
        });
        if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    for (const pause of [700, 1500]) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      await killApi();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await startApi();
    }
    await storm;

    expect(await sandbox.idle(120_000)).toBe(true);
    const delivery = sandbox.sandbox.delivery.stats();
    // every acknowledged webhook is in the ingest queue: wait until it is empty, with no job failed
    const queue = createQueue(
      'ingest',
      { url: TEST_REDIS_URL },
      new Keys(prefix),
      createLogger({ name: 'chaos', level: 'silent' }),
    );
    let quiet = 0;
    for (let i = 0; i < 1200 && quiet < 5; i++) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      expect(counts.failed).toBe(0);
      const left =
        (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
      quiet = left === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await queue.close();
    const view = await call('GET', `/v1/numbers/${business.phone_number_id}`, key);
    expect(view.counts.messages.history).toBe(truth.messages.syncable);
    expect(view.counts.messages.live).toBe(inbound);
    expect(view.sync.history).toMatchObject({ state: 'completed', progress: 100 });
    // the sandbox had to deliver webhooks again after each kill, and gave up on none
    expect(delivery.failed_attempts).toBeGreaterThan(0);
    expect(delivery.retries).toBeGreaterThan(0);
    expect(delivery.dropped + delivery.undeliverable).toBe(0);
  }, 300_000);
});
