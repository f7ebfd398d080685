import { MetaClient, MetaError } from '@coexist/meta-client';
import { SendLanes } from '@coexist/storage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backlog, helloWorld, isAccepted, isFinal, startWorld, type World } from './harness.js';

let w: World;

beforeAll(async () => {
  w = await startWorld({ statusWebhooks: false });
});
afterEach(() => w.stopSenders());
afterAll(() => w.close());

const recipient = (base: number, i: number) => `+1650${base}${String(i).padStart(4, '0')}`;

async function sendsOf(sender: {
  metrics: { sends: { get(): Promise<{ values: Array<{ value: number }> }> } };
}) {
  return (await sender.metrics.sends.get()).values.reduce((sum, v) => sum + v.value, 0);
}

describe('throughput: 20 per number in any sliding second, across processes', () => {
  it('holds the cap with two senders on the same number, and neither sends twice', async () => {
    const n = await w.onboard();
    // 150 messages are 8 hand-offs of up to 20: enough that both senders' workers take some
    const ids = await Promise.all(
      Array.from({ length: 150 }, (_, i) => w.queue(n.phoneNumberId, helloWorld(recipient(555, i)))),
    );
    const started = Date.now();
    const senders = await Promise.all([w.startSender(), w.startSender()]);
    const messages = await Promise.all(ids.map((id) => w.waitFor(id, isFinal, 30_000)));
    const elapsed = Date.now() - started;

    expect(messages.every(isAccepted)).toBe(true);
    const stats = await w.stats(n.phoneNumberId);
    expect(stats.accepted).toBe(150);
    expect(stats.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
    expect(stats.rejected_by_code['130429'] ?? 0).toBe(0);
    expect(stats.duplicates_by_callback_data).toBe(0);
    // 150 messages at 20 per window: the last 10 go seven windows after the first 20
    expect(elapsed).toBeGreaterThanOrEqual(7_000);
    // both processes sent
    for (const sender of senders) expect(await sendsOf(sender)).toBeGreaterThan(0);
    expect(messages.every((m) => m.attempts === 1)).toBe(true);
    await Promise.all(senders.map((s) => s.close()));
  }, 45_000);

  it('serves an idle number at once while another has a backlog', async () => {
    const busy = await w.onboard();
    const idle = await w.onboard();
    await backlog(w, busy.phoneNumberId, 3_000);
    const sender = await w.startSender();
    // let the backlog start flowing
    const lanes = new SendLanes(w.api.context.redis, w.api.context.keys);
    while ((await lanes.outboxLength(busy.phoneNumberId)) > 2_990)
      await new Promise((r) => setTimeout(r, 20));

    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const queuedAt = Date.now();
      const id = await w.queue(idle.phoneNumberId, helloWorld(recipient(666, i)));
      const message = await w.waitFor(id, isFinal, 5_000);
      expect(isAccepted(message)).toBe(true);
      waits.push(message.timeline.accepted! - queuedAt);
    }
    // far below one window of the busy number's pace, whatever its queue
    expect(Math.max(...waits)).toBeLessThan(750);
    expect(await lanes.outboxLength(busy.phoneNumberId)).toBeGreaterThan(2_800);
    const busyStats = await w.stats(busy.phoneNumberId);
    expect(busyStats.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
    await sender.close();
  });
});

describe("Meta's throttling answers", () => {
  it('130429: the number pauses, the message waits and then goes, nothing is dropped', async () => {
    const n = await w.onboard();
    const sender = await w.startSender();
    // another system fills this number's second at Meta behind our back
    const client = new MetaClient({ graphUrl: w.sandbox.url });
    const burstAt = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.sendMessage(n.token, n.phoneNumberId, helloWorld(recipient(888, i))),
      ),
    );
    const ids = await Promise.all(
      [0, 1, 2].map((i) => w.queue(n.phoneNumberId, helloWorld(recipient(889, i)))),
    );
    const messages = await Promise.all(ids.map((id) => w.waitFor(id, isFinal, 15_000)));

    expect(messages.every(isAccepted)).toBe(true);
    const stats = await w.stats(n.phoneNumberId);
    expect(stats.rejected_by_code['130429']).toBeGreaterThanOrEqual(1);
    expect(stats.accepted).toBe(23);
    expect(stats.duplicates_by_callback_data).toBe(0);
    // the refused ones went again only after Meta's second had passed
    for (const m of messages) {
      if (m.attempts > 1) expect(m.timeline.accepted! - burstAt).toBeGreaterThanOrEqual(900);
    }
    expect(messages.some((m) => m.attempts > 1)).toBe(true);
    await client.close();
    await sender.close();
  });

  it('131056: that recipient rests 4^X s, other recipients of the number do not wait', async () => {
    await w.control('POST', 'settings', { pair_burst: 2, pair_refill_ms: 700 });
    try {
      const n = await w.onboard();
      const sender = await w.startSender();
      const same = '+16509990001';
      const first = await Promise.all([0, 1, 2].map(() => w.queue(n.phoneNumberId, helloWorld(same))));
      const refused = await w.waitFor(first[2]!, (m) => m.attempts >= 1 || isFinal(m));
      const other = await w.queue(n.phoneNumberId, helloWorld('+16509990002'));
      const otherDone = await w.waitFor(other, isFinal, 5_000);
      const all = await Promise.all(first.map((id) => w.waitFor(id, isFinal, 10_000)));

      expect([...all, otherDone].every(isAccepted)).toBe(true);
      const stats = await w.stats(n.phoneNumberId);
      expect(stats.rejected_by_code['131056']).toBe(1);
      const last = all.find((m) => m.attempts > 1)!;
      expect(last).toBeDefined();
      // 4^0 s after its refusal; the other recipient did not wait for it
      expect(last.timeline.accepted! - refused.timeline.queued!).toBeGreaterThanOrEqual(1_000);
      expect(otherDone.timeline.accepted!).toBeLessThan(last.timeline.accepted!);
      await sender.close();
    } finally {
      await w.control('POST', 'settings', { pair_burst: 45, pair_refill_ms: 6_000 });
    }
  });
});

it('the sandbox referee refuses a 21st send in a second (sanity of the referee itself)', async () => {
  const n = await w.onboard();
  const client = new MetaClient({ graphUrl: w.sandbox.url });
  const results = await Promise.allSettled(
    Array.from({ length: 21 }, (_, i) =>
      client.sendMessage(n.token, n.phoneNumberId, helloWorld(recipient(444, i))),
    ),
  );
  const refused = results.filter((r) => r.status === 'rejected');
  expect(refused.length).toBeGreaterThanOrEqual(1);
  expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(MetaError);
  await client.close();
});
