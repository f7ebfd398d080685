/**
 * Webhook receiver throughput: signed, deduplicated, durably queued webhooks against a bare
 * Express JSON endpoint, both in their own process, measured in alternating rounds of the same
 * run by the same closed-loop client (50 connections).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';
import { createLogger } from '@coexist/runtime';
import { createQueue, createRedis, deletePrefix, Keys, uniquePrefix } from '@coexist/storage';
import { postLoad, startProcess, stopProcess } from './load.js';
import { median, writeResult } from './results.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const here = dirname(fileURLToPath(import.meta.url));

function bodies(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
                messages: [
                  {
                    from: '16505551234',
                    id: `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUJFTkNI${i.toString(36).padStart(8, '0')}`,
                    timestamp: String(1750000000 + i),
                    type: 'text',
                    text: {
                      body: `Hello, I would like to know more about the offer you sent yesterday (${i}). ${'x'.repeat(600)}`,
                    },
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(body, SANDBOX_DEFAULTS.appSecret),
      },
    };
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'coexist-bench-webhooks-'));
  const prefix = uniquePrefix('bench-webhooks');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const load = bodies(20_000);
  const bare = await startProcess(join(here, 'bare-server.js'), { PORT: '18181' }, /listening/);
  const api = await startProcess(
    join(here, '../main.js'),
    {
      PORT: '18182',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATA_DIR: dataDir,
      API_WORKERS: 'false',
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    /api listening/,
  );
  const baseline: number[] = [];
  const ours: number[] = [];
  const details: Record<string, unknown>[] = [];
  try {
    // warm both up
    await postLoad('http://127.0.0.1:18181/webhook', load, { seconds: 2 });
    await postLoad('http://127.0.0.1:18182/webhooks/meta', load, { seconds: 2 });
    for (let round = 0; round < ROUNDS; round++) {
      const b = await postLoad('http://127.0.0.1:18181/webhook', load, { seconds: SECONDS });
      const o = await postLoad('http://127.0.0.1:18182/webhooks/meta', load, { seconds: SECONDS });
      if (o.non2xx > 0) throw new Error(`${o.non2xx} webhooks were refused`);
      baseline.push(b.rps);
      ours.push(o.rps);
      details.push({ round, bare_express: b, coexist_receiver: o });
      console.log(
        `round ${round + 1}: bare ${b.rps} req/s (p99 ${b.p99_ms} ms), receiver ${o.rps} req/s (p99 ${o.p99_ms} ms)`,
      );
    }
  } finally {
    await stopProcess(bare);
    await stopProcess(api);
  }
  // every distinct body is queued exactly once, however often it was posted
  const redis = createRedis(redisUrl);
  const queue = createQueue(
    'ingest',
    { url: redisUrl },
    new Keys(prefix),
    createLogger({ name: 'bench', level: 'silent' }),
  );
  const queued = (await queue.getJobCounts('waiting')).waiting ?? 0;
  await queue.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });

  const ratio = median(ours) / median(baseline);
  const file = writeResult('webhooks', {
    connections: 50,
    seconds_per_round: SECONDS,
    rounds: ROUNDS,
    body_bytes: Buffer.byteLength(load[0]?.body ?? ''),
    distinct_bodies: load.length,
    queued_jobs: queued,
    baseline_bare_express_rps: median(baseline),
    receiver_rps: median(ours),
    ratio: Math.round(ratio * 1000) / 1000,
    goal_ratio: 0.85,
    meets_goal: ratio >= 0.85,
    details,
  });
  console.log(
    `receiver ${median(ours)} req/s vs bare Express ${median(baseline)} req/s = ${(ratio * 100).toFixed(1)} % (goal ≥ 85 %); ${queued} distinct webhooks queued → ${file}`,
  );
}

await main();
