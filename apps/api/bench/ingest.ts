/**
 * History ingest: 1 M messages as signed `history` webhooks (chunks of 4,000 messages, ~0.9 MB, posted
 * out of order, four at a time) through the api's receiver, queue, normaliser and writer until
 * every message is queryable — against raw chDB inserts of the same rows in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chTime, migrate, Warehouse } from '@coexist/api';
import { SANDBOX_DEFAULTS, signWebhookBody } from '@coexist/meta-client';
import {
  AccountStore,
  BindingStore,
  createRedis,
  deletePrefix,
  Keys,
  NumberStore,
  TokenCipher,
  uniquePrefix,
} from '@coexist/storage';
import { startProcess, stopProcess } from './load.js';
import { progress, writeResult } from './results.js';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const PER_CHUNK = 4_000;
const PER_THREAD = 40;
const CONCURRENCY = 4;
const NUMBER = '106540352240777';
const BUSINESS = '15550777777';
const here = dirname(fileURLToPath(import.meta.url));
const START = Date.parse('2026-05-01T00:00:00Z') / 1000;

interface Message {
  from: string;
  to?: string;
  id: string;
  timestamp: string;
  type: 'text';
  text: { body: string };
  history_context: { status: string };
}

/** Message i of the history: threads of 40 messages with one user, alternating speakers. */
function message(i: number): { thread: string; message: Message } {
  const thread = String(16500000000 + Math.floor(i / PER_THREAD));
  const inbound = i % 2 === 0;
  return {
    thread,
    message: {
      from: inbound ? thread : BUSINESS,
      ...(inbound ? {} : { to: thread }),
      id: `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJ${i.toString(36).padStart(10, '0')}`,
      timestamp: String(START + i * 13),
      type: 'text',
      text: { body: `Message ${i}: thanks for your order, it ships tomorrow` },
      history_context: { status: 'READ' },
    },
  };
}

function chunkBody(chunk: number, chunks: number): string {
  const threads = new Map<string, Message[]>();
  for (let i = chunk * PER_CHUNK; i < Math.min(TOTAL, (chunk + 1) * PER_CHUNK); i++) {
    const { thread, message: m } = message(i);
    const list = threads.get(thread) ?? [];
    list.push(m);
    threads.set(thread, list);
  }
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340777',
        changes: [
          {
            field: 'history',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BUSINESS, phone_number_id: NUMBER },
              history: [
                {
                  metadata: {
                    phase: 2,
                    chunk_order: chunk + 1,
                    progress: Math.round(((chunk + 1) / chunks) * 100),
                  },
                  threads: [...threads].map(([id, messages]) => ({ id, messages })),
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** The same rows our writer produces, inserted straight into chDB in 10,000-row batches. */
async function rawInsert(dataDir: string): Promise<number> {
  const warehouse = new Warehouse({ dataDir });
  await migrate(warehouse);
  const started = performance.now();
  const batch = 10_000;
  for (let offset = 0; offset < TOTAL; offset += batch) {
    const rows = [];
    for (let i = offset; i < Math.min(TOTAL, offset + batch); i++) {
      const { thread, message: m } = message(i);
      rows.push({
        account_id: 'acc_raw',
        phone_number_id: NUMBER,
        wamid: m.id,
        contact_key: thread,
        contact_wa_id: thread,
        direction: m.from === thread ? 'inbound' : 'outbound',
        source: 'history',
        type: 'text',
        ts: chTime(Number(m.timestamp) * 1000),
        text_len: m.text.body.length,
        has_media: 0,
        is_placeholder: 0,
        is_upgrade: 0,
        history_phase: 2,
        history_status: 'READ',
        context_wamid: '',
        target_wamid: '',
        message_id: '',
        template_name: '',
        template_language: '',
        version: 1,
      });
    }
    await warehouse.insert('messages', rows);
  }
  const seconds = (performance.now() - started) / 1000;
  await warehouse.close();
  return TOTAL / seconds;
}

async function main() {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const rawDir = mkdtempSync(join(tmpdir(), 'coexist-bench-raw-'));
  const apiDir = mkdtempSync(join(tmpdir(), 'coexist-bench-ingest-'));
  const prefix = uniquePrefix('bench-ingest');
  const encryptionKey = randomBytes(32).toString('base64');
  const redis = createRedis(redisUrl);
  const keys = new Keys(prefix);
  try {
    const rawRate = await rawInsert(rawDir);
    console.log(`raw chDB insert: ${Math.round(rawRate).toLocaleString('en')} rows/s`);

    const { account, apiKey } = await new AccountStore(redis, keys).create('Bench');
    const binding = await new BindingStore(redis, keys).create(account.id);
    await new NumberStore(redis, keys).save({
      phoneNumberId: NUMBER,
      accountId: account.id,
      bindingId: binding.id,
      wabaId: '102290129340777',
      displayPhoneNumber: BUSINESS,
      verifiedName: 'Bench',
      status: 'active',
      timezone: 'UTC',
      throughputMps: 20,
      onboardedAt: Date.now(),
      shareHistory: true,
      sealedToken: new TokenCipher(encryptionKey).encrypt('EAAbench', '102290129340777'),
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });

    const api = await startProcess(
      join(here, '../main.js'),
      {
        PORT: '18183',
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        DATA_DIR: apiDir,
        LOG_LEVEL: 'info',
        ADMIN_TOKEN: 'bench-admin-token-0123456789',
        TOKEN_ENCRYPTION_KEY: encryptionKey,
      },
      /api listening/,
    );
    const chunks = Math.ceil(TOTAL / PER_CHUNK);
    // Meta does not promise order: post the chunks shuffled
    const order = Array.from({ length: chunks }, (_, i) => i).sort(() => Math.random() - 0.5);
    const report = progress('posting history webhooks');
    const started = performance.now();
    let next = 0;
    let posted = 0;
    let bytes = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < order.length) {
          const chunk = order[next++] as number;
          const body = chunkBody(chunk, chunks);
          bytes += body.length;
          const response = await fetch('http://127.0.0.1:18183/webhooks/meta', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': signWebhookBody(body, SANDBOX_DEFAULTS.appSecret),
            },
            body,
          });
          if (response.status !== 200)
            throw new Error(`webhook refused: ${response.status} ${await response.text()}`);
          report(++posted, chunks);
        }
      }),
    );
    const postedSeconds = (performance.now() - started) / 1000;
    let stored = 0;
    while (stored < TOTAL) {
      const response = await fetch(`http://127.0.0.1:18183/v1/numbers/${NUMBER}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const view = (await response.json()) as {
        counts: { messages: { history: number } };
        sync: { history: { progress: number } };
      };
      stored = view.counts.messages.history;
      process.stdout.write(`\rqueryable: ${stored.toLocaleString('en')} / ${TOTAL.toLocaleString('en')}   `);
      if (stored < TOTAL) await new Promise((resolve) => setTimeout(resolve, 100));
      if ((performance.now() - started) / 1000 > 900) throw new Error('ingest did not finish in 15 minutes');
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write('\n');
    const volume = await fetch(
      `http://127.0.0.1:18183/v1/numbers/${NUMBER}/analytics/volume?from=2026-04-30&to=2026-11-30`,
      {
        headers: { authorization: `Bearer ${apiKey}` },
      },
    );
    const totals = ((await volume.json()) as { totals: { history: number } }).totals;
    await stopProcess(api);

    const rate = TOTAL / seconds;
    const ratio = rate / rawRate;
    const file = writeResult('ingest', {
      messages: TOTAL,
      webhooks: chunks,
      messages_per_webhook: PER_CHUNK,
      webhook_megabytes: Math.round(bytes / 1e5) / 10,
      posted_seconds: Math.round(postedSeconds * 10) / 10,
      end_to_end_seconds: Math.round(seconds * 10) / 10,
      ingest_rows_per_second: Math.round(rate),
      baseline_raw_chdb_rows_per_second: Math.round(rawRate),
      ratio: Math.round(ratio * 1000) / 1000,
      goal_ratio: 0.4,
      meets_goal: ratio >= 0.4,
      queryable_in_analytics: totals.history,
    });
    console.log(
      `ingest ${Math.round(rate).toLocaleString('en')} rows/s end to end vs raw chDB ${Math.round(rawRate).toLocaleString('en')} rows/s = ${(ratio * 100).toFixed(1)} % (goal ≥ 40 %); analytics sees ${totals.history.toLocaleString('en')} → ${file}`,
    );
  } finally {
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(rawDir, { recursive: true, force: true });
    rmSync(apiDir, { recursive: true, force: true });
  }
}

await main();
