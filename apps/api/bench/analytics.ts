/**
 * Dashboard speed over 10 million messages on embedded chDB: every analytics endpoint, over
 * real HTTP, p50/p95 of sequential requests. The data set spreads 10 M messages over ten numbers
 * of one account; the number measured holds 40 % of them (4 M messages, ~500 k conversations),
 * a busier business than any coexistence number can be at 20 msg/s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiEnv, migrate, startApi, Warehouse } from '@coexist/api';
import {
  AccountStore,
  createRedis,
  deletePrefix,
  Keys,
  NumberStore,
  TokenCipher,
  uniquePrefix,
} from '@coexist/storage';
import { percentile, writeResult } from './results.js';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const TARGET = '100000000000001';
const NUMBERS = Array.from({ length: 10 }, (_, i) => String(100000000000001 + i));
const TZ = 'America/Sao_Paulo';
const DAY = 86_400;

async function generate(warehouse: Warehouse, account: string): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const start = now - 180 * DAY;
  const onboarded = now - 10 * DAY;
  const batch = 1_000_000;
  const started = performance.now();
  for (let offset = 0; offset < TOTAL; offset += batch) {
    const size = Math.min(batch, TOTAL - offset);
    // conversations of 8 messages (i / 8); 40 % of conversations on the target number, the rest
    // spread over nine others; each conversation starts in business hours of some day of the last
    // 180 days and its messages follow minutes apart, alternating customer and business.
    await warehouse.command(`
      INSERT INTO ${warehouse.table('messages')}
        (account_id, phone_number_id, wamid, contact_key, contact_wa_id, direction, source, type, ts, text_len, has_media, version)
      SELECT '${account}', num, concat('wamid.bench', toString(i)), contact, contact,
             dir, if(toUnixTimestamp(ts) < ${onboarded}, 'history', if(dir = 'inbound', 'live', if(cityHash64(i, 3) % 5 < 2, 'api', 'echo'))),
             if(cityHash64(i, 4) % 10 = 0, 'image', 'text'), ts, cityHash64(i, 5) % 300, cityHash64(i, 4) % 10 = 0, 1
      FROM (
        SELECT number + ${offset} AS i, intDiv(i, 8) AS conv, i % 8 AS k,
               if(cityHash64(conv) % 10 < 4, '${TARGET}', toString(${100000000000002} + cityHash64(conv, 1) % 9)) AS num,
               toString(16500000000 + cityHash64(conv, 2) % 60000) AS contact,
               if(k % 2 = 0 OR cityHash64(i, 6) % 7 = 0, 'inbound', 'outbound') AS dir,
               toDateTime64(${start} + (cityHash64(conv, 7) % 180) * ${DAY} + 11 * 3600 + (cityHash64(conv, 8) % 43200)
                 + k * (60 + cityHash64(i, 9) % 900), 3, 'UTC') AS ts
        FROM numbers(${size})
      )`);
    process.stdout.write(`\rgenerating: ${Math.round(((offset + size) / TOTAL) * 100)}%`);
  }
  process.stdout.write('\n');
  return (performance.now() - started) / 1000;
}

async function main() {
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'coexist-bench-analytics-'));
  const prefix = uniquePrefix('bench-analytics');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const encryptionKey = randomBytes(32).toString('base64');
  try {
    const redis = createRedis(redisUrl);
    const keys = new Keys(prefix);
    const { account, apiKey } = await new AccountStore(redis, keys).create('Bench');
    const numbers = new NumberStore(redis, keys);
    const cipher = new TokenCipher(encryptionKey);
    for (const id of NUMBERS) {
      await numbers.save({
        phoneNumberId: id,
        accountId: account.id,
        bindingId: `bnd_${id}`,
        wabaId: '200000000000001',
        displayPhoneNumber: `1555${id.slice(-7)}`,
        verifiedName: 'Bench',
        status: 'active',
        timezone: TZ,
        throughputMps: 20,
        onboardedAt: Date.now() - 10 * DAY * 1000,
        shareHistory: true,
        sealedToken: cipher.encrypt('EAAbench', '200000000000001'),
        createdAt: Date.now(),
        updatedAt: Date.now(),
      });
    }
    const warehouse = new Warehouse({ dataDir });
    await migrate(warehouse);
    const generateSeconds = await generate(warehouse, account.id);
    await warehouse.close();

    const api = await startApi({
      env: loadApiEnv({
        PORT: '0',
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        DATA_DIR: dataDir,
        ADMIN_TOKEN: 'bench-admin-token-0123456789',
        TOKEN_ENCRYPTION_KEY: encryptionKey,
        LOG_LEVEL: 'warn',
      }),
      workers: false,
    });
    const [{ n: targetMessages }] = (await api.context.warehouse.raw<{ n: string }>(
      `SELECT count() AS n FROM ${api.context.warehouse.table('messages')} WHERE phone_number_id = '${TARGET}'`,
    )) as [{ n: string }];
    const [{ n: allMessages }] = (await api.context.warehouse.raw<{ n: string }>(
      `SELECT count() AS n FROM ${api.context.warehouse.table('messages')}`,
    )) as [{ n: string }];

    const rebuildStarted = performance.now();
    await api.refresher.rebuild(account.id, TARGET);
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    const [{ n: conversations }] = (await api.context.warehouse.raw<{ n: string }>(
      `SELECT count() AS n FROM ${api.context.warehouse.table('conversations')} WHERE phone_number_id = '${TARGET}'`,
    )) as [{ n: string }];

    const endpoints = [
      ...[
        'volume',
        'heatmap',
        'conversations',
        'response-times',
        'contacts',
        'sources',
        'templates',
        'history',
      ].map((r) => `/v1/numbers/${TARGET}/analytics/${r}`),
      `/v1/numbers/${TARGET}/analytics/volume?granularity=hour&from=${new Date(Date.now() - 30 * DAY * 1000).toISOString().slice(0, 10)}`,
      `/v1/numbers/${TARGET}/analytics/conversations.csv?from=${new Date(Date.now() - 7 * DAY * 1000).toISOString().slice(0, 10)}`,
      `/v1/numbers/${TARGET}`,
    ];
    const results: Record<string, { p50_ms: number; p95_ms: number; max_ms: number; bytes: number }> = {};
    for (const path of endpoints) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS + 3; i++) {
        const started = performance.now();
        const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
        const body = await response.arrayBuffer();
        if (response.status !== 200)
          throw new Error(`${path}: ${response.status} ${Buffer.from(body).toString()}`);
        if (i >= 3) times.push(performance.now() - started);
        bytes = body.byteLength;
      }
      times.sort((a, b) => a - b);
      results[path] = {
        p50_ms: Math.round(percentile(times, 50) * 10) / 10,
        p95_ms: Math.round(percentile(times, 95) * 10) / 10,
        max_ms: Math.round((times[times.length - 1] ?? 0) * 10) / 10,
        bytes,
      };
      console.log(`${path.padEnd(90)} p50 ${results[path].p50_ms} ms  p95 ${results[path].p95_ms} ms`);
    }
    const worstP95 = Math.max(...Object.values(results).map((r) => r.p95_ms));
    const file = writeResult('analytics', {
      messages_total: Number(allMessages),
      messages_on_measured_number: Number(targetMessages),
      conversations_on_measured_number: Number(conversations),
      generate_seconds: Math.round(generateSeconds * 10) / 10,
      derived_rebuild_seconds: Math.round(rebuildSeconds * 100) / 100,
      requests_per_endpoint: REQUESTS,
      goal_p95_ms: 150,
      worst_p95_ms: worstP95,
      meets_goal: worstP95 < 150,
      endpoints: results,
    });
    console.log(`worst p95 ${worstP95} ms (goal < 150 ms) → ${file}`);
    await api.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
