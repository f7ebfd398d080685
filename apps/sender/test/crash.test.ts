import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MetaClient } from '@coexist/meta-client';
import { type OutboundMessageRecord, QUEUE_NAMES, SendLanes } from '@coexist/storage';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { helloWorld, isAccepted, isFinal, startWorld, type World } from './harness.js';

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
const children = new Set<ChildProcess>();
afterEach(async () => {
  // a test that failed half-way must not leave a sender process behind
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await w.stopSenders();
});
afterAll(() => w.close());

const recipient = (i: number) => `+1650333${String(i).padStart(4, '0')}`;

describe('crash safety: a send that may have reached Meta is never sent again', () => {
  it('reconciles a message left in sending through its status webhook', async () => {
    const n = await w.onboard();
    const id = await w.queue(n.phoneNumberId, helloWorld(recipient(1)));
    // What a sender killed right after its request left leaves behind: the message handed off,
    // its job in the queue, marked `sending` with one attempt, and Meta holding the message.
    const { redis, keys, messages } = w.api.context;
    const lanes = new SendLanes(redis, keys);
    const handOff = await lanes.handOff(n.phoneNumberId);
    expect(handOff.messageIds).toEqual([id]);
    const queue = new Queue(QUEUE_NAMES.send, {
      connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: keys.prefix,
    });
    await queue.add('send', { type: 'send', messageId: id, phoneNumberId: n.phoneNumberId }, { jobId: id });
    await messages.transition(id, 'sending', { expected: 'queued' });
    await messages.countAttempt(id);
    const client = new MetaClient({ graphUrl: w.sandbox.url });
    const stored = await w.message(id);
    await client.sendMessage(n.token, n.phoneNumberId, JSON.parse(stored.body), {
      bizOpaqueCallbackData: id,
    });
    await client.close();

    await w.startSender({ SENDER_RECONCILE_GRACE_MS: '5000' });
    const message = await w.waitFor(
      id,
      (m) => m.status === 'delivered' || m.status === 'read' || m.status === 'failed',
    );
    expect(['delivered', 'read']).toContain(message.status);
    expect(message.attempts).toBe(1);
    const stats = await w.stats(n.phoneNumberId);
    expect(stats.accepted).toBe(1);
    expect(stats.duplicates_by_callback_data).toBe(0);
    await queue.close();
  });

  it('reports send_outcome_unknown when Meta never answered and no status came', async () => {
    const n = await w.onboard();
    await w.startSender({ META_TIMEOUT_MS: '300', SENDER_RECONCILE_GRACE_MS: '1000' });
    const timedOut = async () => (await w.control('GET', 'stats?numbers=false')).graph.timed_out as number;
    const before = await timedOut();
    await w.control('POST', 'faults', { timeout_rate: 1 });
    let id: string;
    try {
      id = await w.queue(n.phoneNumberId, helloWorld(recipient(2)));
      await w.waitFor(id, (m) => m.attempts === 1 && m.status === 'sending');
      // the fault stays on until the sandbox has held the request: `sending` is marked before
      // the request leaves, and a request that arrived after the fault was lifted would be accepted
      const deadline = Date.now() + 5_000;
      while ((await timedOut()) <= before) {
        if (Date.now() > deadline) throw new Error('the send never reached the sandbox');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await w.control('POST', 'faults', { timeout_rate: 0 });
    }
    const message = await w.waitFor(id, isFinal, 10_000);
    expect(message.status).toBe('failed');
    expect(message.error).toMatchObject({ code: 'send_outcome_unknown', source: 'coexist' });
    expect(message.error!.message).toContain('not sent again');
    expect(message.attempts).toBe(1);
    expect(message.timeline.failed! - message.timeline.sending!).toBeGreaterThanOrEqual(1000);
  });

  it('kill -9 of a sender mid-run: every message ends accepted or failed, none twice', async () => {
    const n = await w.onboard();
    const ids = await Promise.all(
      Array.from({ length: 80 }, (_, i) => w.queue(n.phoneNumberId, helloWorld(recipient(100 + i)))),
    );
    // Meta answers slowly, so sends are in flight when the sender dies
    await w.control('POST', 'faults', { latency_ms: 120 });
    const child = spawnSender(w, { SENDER_LOCK_MS: '1500', SENDER_RECONCILE_GRACE_MS: '3000' });
    await ready(child);
    // let it send part of the backlog, then kill it without warning while sends are out
    let inFlight: OutboundMessageRecord[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const all = await Promise.all(ids.map((id) => w.message(id)));
      inFlight = all.filter((m) => m.status === 'sending');
      if (all.filter(isAccepted).length >= 20 && (inFlight.length > 0 || Date.now() > deadline)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // what was out when it died (only status webhooks move these on now)
    inFlight = (await Promise.all(ids.map((id) => w.message(id)))).filter((m) => m.status === 'sending');
    await w.control('POST', 'faults', { latency_ms: 0 });

    // A kill between a hand-off and its job leaves messages handed off with no job: the new
    // sender re-creates their jobs once the hand-off is stale (30 s by default; 2 s here).
    await w.startSender(
      { SENDER_LOCK_MS: '1500', SENDER_RECONCILE_GRACE_MS: '3000' },
      { stalledIntervalMs: 500, dispatcherSettings: { staleMs: 2_000 } },
    );
    const final = await Promise.all(ids.map((id) => w.waitFor(id, isFinal, 25_000)));
    console.log(
      `kill -9 with ${inFlight.length} sends in flight: ${final.filter(isAccepted).length} accepted, ${final.length - final.filter(isAccepted).length} unknown`,
    );
    for (const message of final) {
      if (!isAccepted(message)) expect(message.error?.code).toBe('send_outcome_unknown');
    }
    // only a send that was out when the sender died can end unknown
    expect(final.filter((m) => !isAccepted(m)).length).toBeLessThanOrEqual(inFlight.length);
    const stats = await w.stats(n.phoneNumberId);
    expect(stats.duplicates_by_callback_data).toBe(0);
    // Meta holds every accepted message once, and at most the unknown ones besides
    const accepted = final.filter(isAccepted).length;
    expect(stats.accepted).toBeGreaterThanOrEqual(accepted);
    expect(stats.accepted).toBeLessThanOrEqual(final.length);
    expect(stats.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
  }, 60_000);
});

describe('shutdown and repair', () => {
  it('SIGTERM lets in-flight sends finish, exits cleanly, and leaves the rest queued for others', async () => {
    const n = await w.onboard();
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => w.queue(n.phoneNumberId, helloWorld(recipient(300 + i)))),
    );
    await w.control('POST', 'faults', { latency_ms: 400 });
    const child = spawnSender(w, {});
    await ready(child);
    let inFlight: string[] = [];
    while (inFlight.length === 0) {
      inFlight = (await Promise.all(ids.map((id) => w.message(id))))
        .filter((m) => m.status === 'sending')
        .map((m) => m.id);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    await w.control('POST', 'faults', { latency_ms: 0 });
    expect(code).toBe(0);
    // it waited for Meta's slow answers instead of dropping them
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(150);
    for (const id of inFlight) expect(isAccepted(await w.message(id))).toBe(true);

    await w.startSender();
    const final = await Promise.all(ids.map((id) => w.waitFor(id, isFinal, 15_000)));
    expect(final.every(isAccepted)).toBe(true);
    expect((await w.stats(n.phoneNumberId)).duplicates_by_callback_data).toBe(0);
  }, 30_000);

  it('close() in the same process also waits for the sends in flight', async () => {
    const n = await w.onboard();
    const sender = await w.startSender();
    await w.control('POST', 'faults', { latency_ms: 300 });
    try {
      const id = await w.queue(n.phoneNumberId, helloWorld(recipient(400)));
      await w.waitFor(id, (m) => m.status === 'sending');
      await sender.close();
      expect(isAccepted(await w.message(id))).toBe(true);
    } finally {
      await w.control('POST', 'faults', { latency_ms: 0 });
    }
  });

  it('re-creates a job lost between hand-off and queue (a dispatcher died in between)', async () => {
    const n = await w.onboard();
    const id = await w.queue(n.phoneNumberId, helloWorld(recipient(500)));
    const lanes = new SendLanes(w.api.context.redis, w.api.context.keys);
    // handed off, then the dispatcher died before adding the job
    expect((await lanes.handOff(n.phoneNumberId)).messageIds).toEqual([id]);
    await w.startSender({}, { dispatcherSettings: { staleMs: 300 } });
    const message = await w.waitFor(id, isFinal, 5_000);
    expect(isAccepted(message)).toBe(true);
    expect(message.attempts).toBe(1);
  });

  it('sweeps a number whose arm was lost back into the ready set', async () => {
    const n = await w.onboard();
    const id = await w.queue(n.phoneNumberId, helloWorld(recipient(600)));
    // as if the api died between pushing the message and arming the number
    await w.api.context.redis.zrem(w.api.context.keys.dispatchReady(), n.phoneNumberId);
    await w.startSender({}, { sweepIntervalMs: 200 });
    expect(isAccepted(await w.waitFor(id, isFinal, 5_000))).toBe(true);
  });
});

function spawnSender(world: World, env: Record<string, string>): ChildProcess {
  const run = fileURLToPath(new URL('./child/run.mjs', import.meta.url));
  const entry = fileURLToPath(new URL('./child/sender.ts', import.meta.url));
  const child = spawn(process.execPath, [run, entry], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...world.senderEnv, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  return child;
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sender child exited with ${code}`)));
  });
}
