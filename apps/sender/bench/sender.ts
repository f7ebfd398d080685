/**
 * The sender against the sandbox, with the sandbox's own counters as the referee:
 *
 * 1. backlog: one number with a backlog: sustained msg/s, most accepted in any sliding second, 130429s;
 * 2. many numbers: 1,000 numbers × 50 messages: aggregate msg/s against raw BullMQ no-op jobs/s
 *    measured in the same run (both end to end: producer and consumer running together), and
 *    every number's most accepted in any second;
 * 3. fairness: one message to an idle number while another has 100,000 queued: time to accepted;
 * 4. two senders: two sender processes on the same numbers: the caps still hold;
 * 5. crash: kill -9 of a sender in the middle of 10,000 sends, then a new one: every message ends
 *    accepted or failed, none twice (the api runs here to receive the status webhooks).
 *
 * Senders and the sandbox run as processes of their own (`dist/main.js` of each), Redis is the
 * machine's. The machine has 2 cores and is noisy: repeated scenarios report medians.
 * Writes `<repo>/bench/results/sender.json`. Knobs: BENCH_ROUNDS (3), BENCH_QUICK=1 (smaller),
 * BENCH_ONLY=backlog,many,fairness,two,crash (some scenarios; prints, writes nothing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApiEnv, startApi } from '@coexist/api';
import { parseTemplateList } from '@coexist/core';
import { MetaClient } from '@coexist/meta-client';
import { createLogger } from '@coexist/runtime';
import {
  BindingStore,
  createRedis,
  deletePrefix,
  Keys,
  MessageStore,
  type NumberRecord,
  NumberStore,
  QUEUE_NAMES,
  SendLanes,
  TemplateStore,
  TokenCipher,
} from '@coexist/storage';
import { Queue, Worker } from 'bullmq';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const runs = (scenario: string) => !ONLY || ONLY.includes(scenario);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SIZES = {
  backlogMessages: QUICK ? 220 : 420,
  numbers: QUICK ? 200 : 1_000,
  perNumber: 50,
  baselineJobs: QUICK ? 10_000 : 50_000,
  fairnessBacklog: QUICK ? 10_000 : 100_000,
  fairnessSamples: QUICK ? 60 : 300,
  twoNumbers: QUICK ? 50 : 200,
  twoPerNumber: 60,
  crashNumbers: QUICK ? 20 : 50,
  crashPerNumber: QUICK ? 100 : 200,
};

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..', '..');
const repoRoot = resolve(packageRoot, '..', '..');
const senderMain = join(packageRoot, 'dist', 'main.js');
const sandboxMain = join(repoRoot, 'apps', 'meta-sandbox', 'dist', 'main.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const log = (line: string) => console.log(`[sender bench] ${line}`);

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** A process that says it is ready on stdout (a pino line containing `marker`). */
async function startProcess(
  script: string,
  env: Record<string, string>,
  marker: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

// ---------------------------------------------------------------------------------------------
// The world: a sandbox process, our Redis state, senders started per scenario.

const prefix = `bench:sender:${process.pid}:${randomBytes(3).toString('hex')}`;
const keys = new Keys(prefix);
const redis = createRedis(REDIS_URL, { name: 'sender-bench' });
const encryptionKey = randomBytes(32).toString('base64');
const cipher = new TokenCipher(encryptionKey);
const numbers = new NumberStore(redis, keys);
const bindings = new BindingStore(redis, keys);
const templates = new TemplateStore(redis, keys);
const messages = new MessageStore(redis, keys);
const lanes = new SendLanes(redis, keys);
const dataDir = mkdtempSync(join(tmpdir(), 'coexist-sender-bench-'));
const accountId = 'acc_bench';

let sandboxUrl = '';
let sandboxPort = 0;

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sandboxUrl}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

let helloWorld: unknown = null;

/** Numbers through signup at the sandbox and bound to our account, as the binding flow leaves them. */
async function onboard(count: number, subscribe = false): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () =>
        control('POST', 'businesses', {
          exchange: true,
          subscribe,
          history: { days: 0 },
          contacts: 0,
        }),
      ),
    );
    for (const created of batch) {
      const token = created.access_token as string;
      if (!helloWorld) {
        const client = new MetaClient({ graphUrl: sandboxUrl });
        const listed = await client.listAllTemplates(token, created.waba_id);
        await client.close();
        helloWorld = parseTemplateList({ data: listed }).templates.find((t) => t.name === 'hello_world');
      }
      const now = Date.now();
      const binding = await bindings.create(accountId);
      const record: NumberRecord = {
        phoneNumberId: created.phone_number_id,
        accountId,
        bindingId: binding.id,
        wabaId: created.waba_id,
        displayPhoneNumber: String(created.display_phone_number).replace(/\D/g, ''),
        verifiedName: 'Bench shop',
        status: 'active',
        timezone: 'America/New_York',
        throughputMps: 20,
        onboardedAt: now,
        shareHistory: false,
        sealedToken: cipher.encrypt(token, created.waba_id),
        createdAt: now,
        updatedAt: now,
      };
      await bindings.save({
        ...binding,
        status: 'active',
        wabaId: record.wabaId,
        phoneNumberId: record.phoneNumberId,
        displayPhoneNumber: record.displayPhoneNumber,
        timezone: record.timezone,
        onboardedAt: now,
        shareHistory: false,
        sealedToken: record.sealedToken,
      });
      await numbers.save(record);
      await templates.replaceAll(record.wabaId, [helloWorld as never]);
      ids.push(record.phoneNumberId);
    }
  }
  return ids;
}

let recipientSerial = 0;
/** Accepted messages as the api leaves them (record + lane), `count` for one number. */
async function enqueue(phoneNumberId: string, count: number): Promise<string[]> {
  const now = Date.now();
  const created = await Promise.all(
    Array.from({ length: count }, () => {
      const to = `+1650${String(1_000_000 + (recipientSerial++ % 8_000_000)).padStart(7, '0')}`;
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      };
      return messages.create({
        id: MessageStore.newId(),
        accountId,
        phoneNumberId,
        to,
        recipient: to.slice(1),
        type: 'template',
        templateName: 'hello_world',
        templateLanguage: 'en_US',
        templateCategory: 'UTILITY',
        body: JSON.stringify(body),
        createdAt: now,
      });
    }),
  );
  const ids = created.map((m) => m.id);
  await lanes.enqueueMany(phoneNumberId, ids);
  return ids;
}

async function enqueueAll(phoneNumberIds: string[], perNumber: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < phoneNumberIds.length; i += 20) {
    const batch = await Promise.all(phoneNumberIds.slice(i, i + 20).map((id) => enqueue(id, perNumber)));
    for (const list of batch) ids.push(...list);
  }
  return ids;
}

function senderEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    SANDBOX_PORT: String(sandboxPort),
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SENDER_CONCURRENCY: '200',
    ...extra,
  };
}

const startSender = (extra: Record<string, string> = {}) =>
  startProcess(senderMain, senderEnv(extra), 'sender started');

async function totals(): Promise<{
  accepted: number;
  rejected_by_code: Record<string, number>;
  duplicates_by_callback_data: number;
  max_accepted_in_any_1s: number;
}> {
  return (await control('GET', 'stats?numbers=false')).totals;
}

async function waitForAccepted(target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { accepted } = await totals();
    if (accepted >= target) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`only ${accepted} of ${target} accepted after ${timeoutMs} ms`);
    await sleep(25);
  }
}

async function numberStats(
  phoneNumberIds: string[],
): Promise<Array<{ max: number; rejected429: number; duplicates: number; accepted: number }>> {
  const all = (await control('GET', 'stats')).numbers as Record<string, any>;
  return phoneNumberIds.map((id) => ({
    max: all[id].max_accepted_in_any_1s,
    rejected429: all[id].rejected_by_code['130429'] ?? 0,
    duplicates: all[id].duplicates_by_callback_data,
    accepted: all[id].accepted,
  }));
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

/** Raw BullMQ: no-op jobs, producer and consumer together, then a pre-filled queue drained. */
async function baseline(jobs: number) {
  const name = `{bench-noop-${randomBytes(3).toString('hex')}}`;
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 3600, count: 10_000 } },
  });
  const payload = { type: 'send', messageId: 'msg_0000000000000000', phoneNumberId: '100000000000000' };
  const run = async (preFill: boolean) => {
    let done = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((r) => {
      finished = r;
    });
    const add = async () => {
      for (let i = 0; i < jobs; i += 1000)
        await queue.addBulk(
          Array.from({ length: Math.min(1000, jobs - i) }, () => ({ name: 'noop', data: payload })),
        );
    };
    const started = performance.now();
    if (preFill) await add();
    const drainStart = performance.now();
    const worker = new Worker(name, async () => {}, { connection, prefix, concurrency: 200 });
    worker.on('completed', () => {
      if (++done === jobs) finished();
    });
    if (!preFill) await add();
    await all;
    const end = performance.now();
    await worker.close();
    return { endToEnd: jobs / ((end - started) / 1000), drained: jobs / ((end - drainStart) / 1000) };
  };
  const together = await run(false);
  const drained = await run(true);
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobs_per_s_end_to_end: round(together.endToEnd), jobs_per_s_drain: round(drained.drained) };
}

/** One number, a backlog: msg/s over whole windows, from the sandbox's acceptance times. */
async function backlogScenario() {
  const [number] = await onboard(1);
  const count = SIZES.backlogMessages;
  await enqueue(number!, count);
  const before = (await totals()).accepted;
  const sender = await startSender();
  await waitForAccepted(before + count, count * 100);
  await stop(sender);
  const stored = await control('GET', `numbers/${number}/messages?limit=1000`);
  const times = (stored.data as Array<{ accepted_at: string }>)
    .map((m) => Date.parse(m.accepted_at))
    .sort((a, b) => a - b);
  const [stats] = await numberStats([number!]);
  // the first window's 20 go at once: the sustained rate is what follows them
  const sustained = (times.length - 20) / ((times.at(-1)! - times[0]!) / 1000);
  return {
    messages: count,
    sustained_msg_per_s: round(sustained, 2),
    max_accepted_in_any_1s: stats!.max,
    rejected_130429: stats!.rejected429,
    duplicates: stats!.duplicates,
  };
}

/** 1,000 numbers × 50: enqueue and send together (end to end), then a pre-filled run. */
async function manyNumbersScenario(phoneNumberIds: string[], mode: 'end_to_end' | 'drain') {
  const total = phoneNumberIds.length * SIZES.perNumber;
  const before = (await totals()).accepted;
  let sender: ChildProcess;
  let started: number;
  if (mode === 'end_to_end') {
    sender = await startSender();
    started = Date.now();
    await enqueueAll(phoneNumberIds, SIZES.perNumber);
  } else {
    await enqueueAll(phoneNumberIds, SIZES.perNumber);
    sender = await startSender();
    started = Date.now();
  }
  const finished = await waitForAccepted(before + total, 120_000);
  await stop(sender);
  return { messages: total, msg_per_s: round(total / ((finished - started) / 1000)) };
}

/** An idle number's message while another number has a backlog of 100,000. */
async function fairnessScenario() {
  const [busy, ...idle] = await onboard(21);
  log(`fairness: queueing ${SIZES.fairnessBacklog} messages on one number`);
  for (let i = 0; i < SIZES.fairnessBacklog; i += 5_000)
    await enqueue(busy!, Math.min(5_000, SIZES.fairnessBacklog - i));
  const sender = await startSender();
  await sleep(1_500);
  const ids: string[] = [];
  const sampleStart = Date.now();
  for (let i = 0; i < SIZES.fairnessSamples; i++) {
    // each idle number gets one message every 20 × 40 ms, far inside its own budget
    ids.push(...(await enqueue(idle[i % idle.length]!, 1)));
    await sleep(40);
  }
  const deadline = Date.now() + 10_000;
  let waits: number[] = [];
  for (;;) {
    const records = await Promise.all(ids.map((id) => messages.get(id)));
    if (records.every((m) => m?.timeline.accepted) || Date.now() > deadline) {
      waits = records.map((m) => (m?.timeline.accepted ?? Number.POSITIVE_INFINITY) - m!.createdAt);
      break;
    }
    await sleep(50);
  }
  const busyAfter = (await numberStats([busy!]))[0]!;
  // the busy number's pace meanwhile, from the sandbox's acceptance times (sends go in bursts of
  // up to 20 as the window frees, so a count over a few seconds would alias)
  const stored = await control('GET', `numbers/${busy}/messages?limit=1000`);
  const times = (stored.data as Array<{ accepted_at: string }>)
    .map((m) => Date.parse(m.accepted_at))
    .filter((t) => t >= sampleStart)
    .sort((a, b) => a - b);
  const busyRate = (times.length - 20) / ((times.at(-1)! - times[0]!) / 1000);
  const pending = await lanes.outboxLength(busy!);
  await stop(sender);
  return {
    backlog: SIZES.fairnessBacklog,
    backlog_left_at_end: pending,
    samples: ids.length,
    time_to_accepted_ms: {
      p50: round(quantile(waits, 0.5)),
      p99: round(quantile(waits, 0.99)),
      max: round(Math.max(...waits)),
    },
    busy_number_msg_per_s_meanwhile: round(busyRate, 2),
    busy_number_max_accepted_in_any_1s: busyAfter.max,
  };
}

/** Two sender processes on the same numbers. */
async function twoSendersScenario() {
  const ids = await onboard(SIZES.twoNumbers);
  await enqueueAll(ids, SIZES.twoPerNumber);
  const total = ids.length * SIZES.twoPerNumber;
  const before = (await totals()).accepted;
  const senders = await Promise.all([startSender(), startSender()]);
  const started = Date.now();
  const finished = await waitForAccepted(before + total, 120_000);
  await Promise.all(senders.map((s) => stop(s)));
  const stats = await numberStats(ids);
  return {
    numbers: ids.length,
    messages: total,
    msg_per_s: round(total / ((finished - started) / 1000)),
    max_accepted_in_any_1s: Math.max(...stats.map((s) => s.max)),
    numbers_over_20: stats.filter((s) => s.max > 20).length,
    rejected_130429: stats.reduce((sum, s) => sum + s.rejected429, 0),
    duplicates: stats.reduce((sum, s) => sum + s.duplicates, 0),
  };
}

/** kill -9 in the middle of 10,000 sends; the api receives the status webhooks that reconcile. */
async function crashScenario() {
  // the outcome events of the scenarios before are not this one's ingest work
  const ingest = new Queue(QUEUE_NAMES.ingest, { connection: { url: REDIS_URL }, prefix });
  await ingest.obliterate({ force: true });
  await ingest.close();
  const api = await startApi({
    env: loadApiEnv({
      PORT: '0',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_DIR: join(dataDir, 'api'),
      TOKEN_ENCRYPTION_KEY: encryptionKey,
      SANDBOX_PORT: String(sandboxPort),
      ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
      UI_DIR: join(dataDir, 'no-ui'),
      LOG_LEVEL: 'warn',
    }),
    logger: createLogger({ name: 'api-bench', level: 'warn' }),
  });
  try {
    await control('POST', 'settings', {
      status_webhooks: true,
      read_fraction: 0,
      webhook_url: `${api.url}/webhooks/meta`,
    });
    const ids = await onboard(SIZES.crashNumbers, true);
    const messageIds = await enqueueAll(ids, SIZES.crashPerNumber);
    const total = messageIds.length;
    const before = (await totals()).accepted;
    const crashEnv = { SENDER_LOCK_MS: '3000', SENDER_RECONCILE_GRACE_MS: '60000' };
    const first = await startSender(crashEnv);
    await waitForAccepted(before + Math.floor(total / 2), 120_000);
    const statusOf = async () => {
      const pipeline = redis.pipeline();
      for (const id of messageIds) pipeline.hget(keys.message(id), 'status');
      return ((await pipeline.exec()) ?? []).map(([, status]) => String(status));
    };
    // kill it while a hand-off is out (messages in `sending`), as a real crash would often find it
    let atKill = await statusOf();
    for (let tries = 0; tries < 200 && !atKill.includes('sending'); tries++) atKill = await statusOf();
    await stop(first, 'SIGKILL');
    atKill = await statusOf();
    const killedAt = Date.now();
    const inFlight = atKill.filter((s) => s === 'sending').length;
    log(
      `crash: killed the sender with ${inFlight} sends in flight, ${atKill.filter((s) => s === 'queued').length} queued`,
    );
    const second = await startSender(crashEnv);
    let statuses: string[] = [];
    for (;;) {
      statuses = await statusOf();
      if (statuses.every((s) => s !== 'queued' && s !== 'sending')) break;
      if (Date.now() - killedAt > 180_000) throw new Error('messages still not final 180 s after the crash');
      await sleep(250);
    }
    const recoveredMs = Date.now() - killedAt;
    await stop(second);
    const stats = await numberStats(ids);
    const failed = statuses.filter((s) => s === 'failed').length;
    const reasons = new Map<string, number>();
    for (const [i, status] of statuses.entries()) {
      if (status !== 'failed') continue;
      const code = (await redis.hget(keys.message(messageIds[i]!), 'error_code')) ?? '?';
      reasons.set(code, (reasons.get(code) ?? 0) + 1);
    }
    return {
      messages: total,
      in_flight_at_kill: inFlight,
      accepted_or_later: statuses.filter((s) => ['accepted', 'sent', 'delivered', 'read'].includes(s)).length,
      failed,
      failed_by_code: Object.fromEntries(reasons),
      all_final: statuses.every((s) => s !== 'queued' && s !== 'sending'),
      duplicates_by_callback_data: stats.reduce((sum, s) => sum + s.duplicates, 0),
      sandbox_accepted: stats.reduce((sum, s) => sum + s.accepted, 0),
      max_accepted_in_any_1s: Math.max(...stats.map((s) => s.max)),
      rejected_130429: stats.reduce((sum, s) => sum + s.rejected429, 0),
      all_final_ms_after_kill: recoveredMs,
    };
  } finally {
    await control('POST', 'settings', { status_webhooks: false, webhook_url: '' });
    await api.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  sandboxPort = await freePort();
  sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = await startProcess(
    sandboxMain,
    {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_SEED: prefix,
      LOG_LEVEL: 'info',
      SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:9/unused',
    },
    'listening',
  );
  try {
    await control('POST', 'settings', { status_webhooks: false, webhook_url: '' });
    const results: Record<string, unknown> = {};

    if (runs('backlog')) {
      log('backlog on one number');
      const backlog = [];
      for (let r = 0; r < ROUNDS; r++) backlog.push(await backlogScenario());
      results.backlog_one_number = {
        runs: backlog,
        median_sustained_msg_per_s: median(backlog.map((b) => b.sustained_msg_per_s)),
        max_accepted_in_any_1s: Math.max(...backlog.map((b) => b.max_accepted_in_any_1s)),
        rejected_130429: backlog.reduce((s, b) => s + b.rejected_130429, 0),
      };
      log(JSON.stringify(results.backlog_one_number));
    }

    if (runs('many')) {
      log(`${SIZES.numbers} numbers × ${SIZES.perNumber} messages, against raw BullMQ`);
      const many = await onboard(SIZES.numbers);
      const rounds: Array<{
        baseline: Awaited<ReturnType<typeof baseline>>;
        endToEnd: number;
        drain: number;
      }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        const base = await baseline(SIZES.baselineJobs);
        await sleep(1_100); // every number's window empties between runs
        const endToEnd = await manyNumbersScenario(many, 'end_to_end');
        await sleep(1_100);
        const drain = await manyNumbersScenario(many, 'drain');
        rounds.push({ baseline: base, endToEnd: endToEnd.msg_per_s, drain: drain.msg_per_s });
        log(JSON.stringify(rounds.at(-1)));
      }
      const manyStats = await numberStats(many);
      const baseE2E = median(rounds.map((r) => r.baseline.jobs_per_s_end_to_end));
      const baseDrain = median(rounds.map((r) => r.baseline.jobs_per_s_drain));
      const e2e = median(rounds.map((r) => r.endToEnd));
      const drain = median(rounds.map((r) => r.drain));
      results.many_numbers = {
        numbers: SIZES.numbers,
        per_number: SIZES.perNumber,
        runs: rounds,
        baseline_bullmq_noop_jobs_per_s: { end_to_end: baseE2E, drain: baseDrain, jobs: SIZES.baselineJobs },
        sender_msg_per_s: { end_to_end: e2e, drain },
        ratio_to_baseline: { end_to_end: round(e2e / baseE2E, 3), drain: round(drain / baseDrain, 3) },
        max_accepted_in_any_1s: Math.max(...manyStats.map((s) => s.max)),
        numbers_over_20: manyStats.filter((s) => s.max > 20).length,
        rejected_130429: manyStats.reduce((s, n) => s + n.rejected429, 0),
        duplicates: manyStats.reduce((s, n) => s + n.duplicates, 0),
      };
      log(JSON.stringify(results.many_numbers));
    }

    if (runs('fairness')) {
      log('fairness');
      results.fairness = await fairnessScenario();
      log(JSON.stringify(results.fairness));
    }

    if (runs('two')) {
      log('two sender processes');
      results.two_senders = await twoSendersScenario();
      log(JSON.stringify(results.two_senders));
    }

    if (runs('crash')) {
      log('kill -9 in the middle of the sends');
      results.crash = await crashScenario();
      log(JSON.stringify(results.crash));
    }

    if (ONLY) return;

    const out = {
      benchmark: 'sender',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      rounds: ROUNDS,
      quick: QUICK,
      ...results,
    };
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sender.json'), `${JSON.stringify(out, null, 2)}\n`);
    log(`written to ${join(dir, 'sender.json')}`);
  } finally {
    await stop(sandbox);
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
