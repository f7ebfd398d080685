import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { createRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@coexist/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  bindBusiness,
  freePort,
  signedTextWebhook,
  startProcess,
  stopProcesses,
} from './support.js';

/**
 * Two api processes and two senders side by side on one Redis and one ClickHouse: Meta's
 * webhooks arrive through a round-robin balancer, requests go to either api, and the per-number
 * cap, webhook dedupe and ingest still hold. With embedded chDB the second api runs receive-only
 * (API_WORKERS=false: webhooks, bindings, sending) beside the one that owns the store.
 */
const here = dirname(fileURLToPath(import.meta.url));
const API = join(here, '../dist/main.js');
const SENDER = join(here, '../../sender/dist/main.js');
const ADMIN = 'scale-admin-token-0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'coexist-processes-'));
const prefix = uniquePrefix('processes');
const children: ChildProcess[] = [];
let sandbox: SandboxHandle;
let balancer: ReturnType<typeof createServer>;
let ports: { a: number; b: number; lb: number };

const start = (script: string, env: Record<string, string>, ready: RegExp) =>
  startProcess(script, env, ready, children);

const call = apiCall;

beforeAll(async () => {
  ports = { a: await freePort(), b: await freePort(), lb: await freePort() };
  // Meta has one callback URL: a balancer in front of both apis, alternating
  let turn = 0;
  balancer = createServer((req, res) => {
    const port = turn++ % 2 === 0 ? ports.a : ports.b;
    const upstream = request(
      { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }).listen(ports.lb, '127.0.0.1');
  sandbox = await startSandbox({
    port: 0,
    seed: 'processes',
    webhookUrl: `http://127.0.0.1:${ports.lb}/webhooks/meta`,
    readFraction: 1,
  });
  const shared = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    SANDBOX_PORT: String(sandbox.port),
    ADMIN_TOKEN: ADMIN,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
  };
  await start(API, { ...shared, PORT: String(ports.a) }, /api listening/);
  await start(API, { ...shared, PORT: String(ports.b), API_WORKERS: 'false' }, /api listening/);
  await start(SENDER, shared, /sender started/);
  await start(SENDER, shared, /sender started/);
});

afterAll(async () => {
  await stopProcesses(children);
  balancer?.close();
  await sandbox?.close();
  const redis = createRedis(TEST_REDIS_URL);
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two apis and two senders on one Redis', () => {
  it('hold the per-number cap, dedupe webhooks and ingest everything once', async () => {
    const { api_key: key } = await call(ports.a, 'POST', '/v1/admin/accounts', ADMIN, { name: 'Scale' });
    const business = await sandbox.createBusiness({
      display_phone_number: '+15559990001',
      timezone: 'America/New_York',
      share_history: true,
      history: { days: 60, messages_per_day: 40 },
      contacts: 50,
    });
    const truth = (await (
      await fetch(`${sandbox.url}/__sandbox/numbers/${business.phone_number_id}`)
    ).json()) as any;
    // the binding flow on the receive-only api
    await bindBusiness(
      (method, path, token, body) => call(ports.b, method, path, token, body),
      key,
      business,
    );

    // the same webhook delivered to both apis is one job
    const { body, headers } = signedTextWebhook({
      wabaId: business.waba_id,
      displayPhoneNumber: '15559990001',
      phoneNumberId: business.phone_number_id,
      from: '16505557001',
      wamid: 'wamid.TWICE',
      text: 'hello both',
    });
    for (const port of [ports.a, ports.b]) {
      expect(
        (await fetch(`http://127.0.0.1:${port}/webhooks/meta`, { method: 'POST', headers, body })).status,
      ).toBe(200);
    }

    // 300 template sends, half through each api, to 30 recipients
    const sends = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        call(i % 2 ? ports.a : ports.b, 'POST', `/v1/numbers/${business.phone_number_id}/messages`, key, {
          messaging_product: 'whatsapp',
          to: `+1650555${String(8000 + (i % 30))}`,
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US' } },
        }),
      ),
    );
    const ids = sends.map((s) => s.messages[0].id as string);

    const deadline = Date.now() + 120_000;
    let view: any = null;
    let stats: any = null;
    for (;;) {
      view = await call(ports.a, 'GET', `/v1/numbers/${business.phone_number_id}`, key);
      stats = await (
        await fetch(`${sandbox.url}/__sandbox/numbers/${business.phone_number_id}/stats`)
      ).json();
      if (
        (view.counts.messages.history >= truth.messages.syncable && stats.accepted >= 300) ||
        Date.now() > deadline
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(stats.accepted).toBe(300);
    expect(stats.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
    expect(stats.rejected_by_code?.['130429'] ?? 0).toBe(0);
    expect(stats.duplicates_by_callback_data).toBe(0);
    expect(view.counts.messages.history).toBe(truth.messages.syncable);
    expect(view.counts.messages.live).toBe(1); // wamid.TWICE, once
    // either api answers for any message
    const states = await Promise.all(
      ids.slice(0, 20).map((id, i) => call(i % 2 ? ports.a : ports.b, 'GET', `/v1/messages/${id}`, key)),
    );
    expect(states.every((m) => ['accepted', 'sent', 'delivered', 'read'].includes(m.status))).toBe(true);
    // the receive-only api does not open the store; the one that owns it answers analytics
    const analytics = await fetch(
      `http://127.0.0.1:${ports.b}/v1/numbers/${business.phone_number_id}/analytics/volume`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(analytics.status).toBe(503);
    expect(((await analytics.json()) as any).error.code).toBe('analytics_elsewhere');
  }, 240_000);
});
