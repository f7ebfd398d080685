import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startTestApi, type TestApi } from './harness.js';

/**
 * Redis going away mid-run: requests get 503 quickly instead of hanging, nothing crashes, and
 * everything resumes when Redis is back. The test runs its own redis-server (with AOF, as in
 * production) so it can kill and restart it without touching anyone else's.
 */
const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
const redisDir = mkdtempSync(join(tmpdir(), 'coexist-resilience-redis-'));
let port = 0;
let redis: ChildProcess | null = null;
let t: TestApi;
let apiKey = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}

async function startRedis() {
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout.includes('PONG')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not start');
}

async function killRedis() {
  const child = redis;
  redis = null;
  if (!child) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe.skipIf(!hasRedisServer)('Redis unreachable mid-run', () => {
  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    t = await startTestApi({ REDIS_URL: `redis://127.0.0.1:${port}` });
    ({ apiKey } = await t.createAccount());
    await t.bindNumber((await t.api.context.accounts.authenticate(apiKey))!.id);
  });
  afterAll(async () => {
    if (!redis) await startRedis().catch(() => {});
    await t?.close().catch(() => {});
    await killRedis();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('answers 503 fast while Redis is down, and resumes with the same data once it is back', async () => {
    expect((await t.call(apiKey, 'GET', '/v1/numbers')).status).toBe(200);
    await killRedis();

    const api = await timed(() => t.call(apiKey, 'GET', '/v1/numbers'));
    expect(api.value.status).toBe(503);
    expect(api.value.body.error.code).toBe('service_unavailable');
    expect(api.ms).toBeLessThan(5000);
    const webhook = await timed(() => t.postWebhook(fixture('webhook-messages-reaction.json')));
    expect(webhook.value.status).toBe(503); // not acknowledged, so Meta delivers it again later
    expect(webhook.ms).toBeLessThan(5000);
    const health = await timed(() => fetch(`${t.url}/healthz`));
    expect(health.value.status).toBe(503);
    expect(health.ms).toBeLessThan(5000);

    await startRedis();
    // the same API key works again (AOF kept it), and webhooks are queued and ingested
    const back = Date.now();
    let status = 0;
    while (Date.now() - back < 15_000) {
      status = (await t.call(apiKey, 'GET', '/v1/numbers')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    const body = fixture('webhook-messages-text.json');
    expect((await t.postWebhook(body)).status).toBe(200);
    await t.drain();
    const wamid = JSON.parse(body).entry[0].changes[0].value.messages[0].id as string;
    const [row] = await t.api.context.warehouse.raw<{ n: string }>(
      `SELECT count() AS n FROM ${t.api.context.warehouse.table('messages')} WHERE wamid = {w:String}`,
      { w: wamid },
    );
    expect(row?.n).toBe('1');
  });
});
