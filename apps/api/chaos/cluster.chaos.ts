import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SandboxHandle, startSandbox } from '@coexist/meta-sandbox';
import { createRedis, type RedisClient, redisNodes } from '@coexist/storage';
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
 * The same code on a Redis Cluster: three `redis-server` nodes on loopback ports, the api and a
 * sender with REDIS_CLUSTER=true. Keys and queues spread over the nodes by their hash tags; the
 * webhook path (verify, queue once, ingest) and the sender path (lanes, slots, the 20 msg/s cap)
 * must work unchanged.
 */
const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-cli']).status === 0;
const here = dirname(fileURLToPath(import.meta.url));
const API = join(here, '../dist/main.js');
const SENDER = join(here, '../../sender/dist/main.js');
const ADMIN = 'cluster-admin-token-0123456789abcd';
const dir = mkdtempSync(join(tmpdir(), 'coexist-cluster-'));
const nodes: ChildProcess[] = [];
const services: ChildProcess[] = [];
let ports: number[] = [];
let apiPort = 0;
let sandbox: SandboxHandle;
let redis: RedisClient;

const start = (script: string, env: Record<string, string>, ready: RegExp) =>
  startProcess(script, env, ready, services);

const call = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(apiPort, method, path, token, body);

describe.skipIf(!hasRedis)('on a 3-node Redis Cluster', () => {
  beforeAll(async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      nodes.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) {
      for (
        let i = 0;
        i < 100 &&
        !spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.includes('PONG');
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (create.status !== 0) throw new Error(`cluster create failed: ${create.stdout}${create.stderr}`);
    for (let i = 0; i < 200; i++) {
      const states = ports.map(
        (p) => spawnSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }).stdout,
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = `redis://127.0.0.1:${ports[0]}`;
    redis = createRedis(url, { cluster: true });
    apiPort = await freePort();
    sandbox = await startSandbox({
      port: 0,
      seed: 'cluster',
      webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/meta`,
      readFraction: 1,
    });
    const shared = {
      REDIS_URL: url,
      REDIS_CLUSTER: 'true',
      REDIS_PREFIX: 'coexist-cluster-test',
      DATA_DIR: dir,
      SANDBOX_PORT: String(sandbox.port),
      ADMIN_TOKEN: ADMIN,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
    };
    await start(API, { ...shared, PORT: String(apiPort) }, /api listening/);
    await start(SENDER, shared, /sender started/);
  });

  afterAll(async () => {
    await stopProcesses(services);
    await redis?.quit().catch(() => {});
    await sandbox?.close();
    for (const node of nodes) node.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds, ingests once and sends at ≤ 20 msg/s per number', async () => {
    const { api_key: key } = await call('POST', '/v1/admin/accounts', ADMIN, { name: 'Cluster' });
    const business = await sandbox.createBusiness({
      display_phone_number: '+15556660001',
      timezone: 'America/New_York',
      share_history: true,
      history: { days: 30, messages_per_day: 30 },
      contacts: 30,
    });
    const truth = (await (
      await fetch(`${sandbox.url}/__sandbox/numbers/${business.phone_number_id}`)
    ).json()) as any;
    await bindBusiness(call, key, business);

    // one webhook delivered twice is one message
    const { body, headers } = signedTextWebhook({
      wabaId: business.waba_id,
      displayPhoneNumber: '15556660001',
      phoneNumberId: business.phone_number_id,
      from: '16505556001',
      wamid: 'wamid.CLUSTER',
      text: 'hi',
    });
    for (let i = 0; i < 2; i++) {
      expect(
        (await fetch(`http://127.0.0.1:${apiPort}/webhooks/meta`, { method: 'POST', headers, body })).status,
      ).toBe(200);
    }

    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const sent = await call('POST', `/v1/numbers/${business.phone_number_id}/messages`, key, {
        messaging_product: 'whatsapp',
        to: `+1650555${String(9000 + (i % 40))}`,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      ids.push(sent.messages[0].id);
    }
    const deadline = Date.now() + 90_000;
    let view: any;
    let stats: any;
    for (;;) {
      view = await call('GET', `/v1/numbers/${business.phone_number_id}`, key);
      stats = await (
        await fetch(`${sandbox.url}/__sandbox/numbers/${business.phone_number_id}/stats`)
      ).json();
      if (
        (stats.accepted >= 120 &&
          view.counts.messages.history >= truth.messages.syncable &&
          view.counts.messages.live >= 1) ||
        Date.now() > deadline
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(stats.accepted).toBe(120);
    expect(stats.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
    expect(stats.rejected_by_code?.['130429'] ?? 0).toBe(0);
    expect(stats.duplicates_by_callback_data).toBe(0);
    expect(view.counts.messages.history).toBe(truth.messages.syncable);
    expect(view.counts.messages.live).toBe(1);
    const message = await call('GET', `/v1/messages/${ids[0]}`, key);
    expect(['accepted', 'sent', 'delivered', 'read']).toContain(message.status);

    // and the data really is spread over the cluster's nodes
    const perNode = await Promise.all(redisNodes(redis).map((node) => node.dbsize()));
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
