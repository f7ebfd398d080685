import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TrafficLimiter } from '../limiter/traffic.js';
import { createRedis, Keys } from '../redis.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../testing.js';
import { SendLanes } from './lanes.js';

const prefix = uniquePrefix('lanes');
const keys = new Keys(prefix);
const redis = createRedis(TEST_REDIS_URL);
const lanes = new SendLanes(redis, keys);
const limiter = new TrafficLimiter(redis, keys);
let serial = 0;
let number = '';

beforeEach(async () => {
  // each test owns the ready set
  await redis.del(keys.dispatchReady(), keys.dispatchNumbers(), keys.dispatchSweepLock());
  number = `1065403522${String(++serial).padStart(5, '0')}`;
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `msg_${number}_${from + i}`);
async function enqueueAll(messageIds: string[], phoneNumberId = number) {
  for (const id of messageIds) await lanes.enqueue(phoneNumberId, id);
}
const redisNow = async () => {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
};

describe('SendLanes: enqueue and claim', () => {
  it('arms an idle number at once, announces it, and lets one dispatcher claim it', async () => {
    const subscriber = createRedis(TEST_REDIS_URL);
    const woken: string[] = [];
    await subscriber.subscribe(keys.dispatchWake());
    subscriber.on('message', (_channel, id) => woken.push(id));

    await enqueueAll(ids(3));
    const before = await redisNow();
    expect(await lanes.dueAt(number)).toBeLessThanOrEqual(before);
    const [a, b] = await Promise.all([lanes.claim(10, 5000), lanes.claim(10, 5000)]);
    const claimedBy = [a, b].filter((c) => c.phoneNumberIds.includes(number));
    expect(claimedBy).toHaveLength(1);
    expect(await lanes.dueAt(number)).toBe(claimedBy[0]!.lease);

    await new Promise((resolve) => setTimeout(resolve, 50));
    // only the first message of an idle outbox wakes dispatchers
    expect(woken).toEqual([number]);
    await subscriber.quit();
  });

  it('enqueues many at once in order, arming the number once', async () => {
    await lanes.enqueueMany(number, ids(3));
    await lanes.enqueueMany(number, ids(2, 3));
    expect(await redis.lrange(keys.numberOutbox(number), 0, -1)).toEqual(ids(5));
    expect(await lanes.dueAt(number)).not.toBeNull();
  });

  it('reports when the next number is due, and nothing when the set is empty', async () => {
    expect((await lanes.claim(10, 5000)).nextDueInMs).toBeNull();
    await enqueueAll(ids(1));
    const claim = await lanes.claim(10, 5000);
    expect(claim.phoneNumberIds).toEqual([number]);
    // the only entry is the lease just taken
    expect(claim.nextDueInMs).toBeGreaterThan(4900);
    expect(claim.nextDueInMs).toBeLessThanOrEqual(5000);
  });
});

describe('SendLanes: hand-off by free slots', () => {
  it('hands off at most the window, in FIFO order, and says when the next slot frees', async () => {
    await enqueueAll(ids(30));
    const claim = await lanes.claim(10, 5000);
    const before = await redisNow();
    const first = await lanes.handOff(number);
    const after = await redisNow();
    expect(first.messageIds).toEqual(ids(20));
    expect(first.remaining).toBe(10);
    // the 20 handed off take their slots about now: the next one frees a window later
    expect(first.nextDueAt! - before).toBeGreaterThanOrEqual(1000);
    expect(first.nextDueAt! - after).toBeLessThanOrEqual(1000);
    expect(await lanes.rearm(claim.lease, [{ phoneNumberId: number, nextDueAt: first.nextDueAt }])).toBe(1);
    expect(await lanes.dueAt(number)).toBe(first.nextDueAt);

    // nothing more while the hand-offs hold every slot
    expect((await lanes.handOff(number)).messageIds).toEqual([]);
  });

  it('counts sends and inbound traffic in the window, and hands off exactly the free slots', async () => {
    await enqueueAll(ids(30));
    const first = await limiter.take(number);
    for (let i = 1; i < 5; i++) await limiter.take(number);
    for (let i = 0; i < 3; i++) await limiter.record(number);
    const handOff = await lanes.handOff(number);
    expect(handOff.messageIds).toHaveLength(12);
    // taking a slot moves a message from the hand-off set to the window: still no room
    for (const id of handOff.messageIds) {
      expect((await limiter.take(number)).allowed).toBe(true);
      await lanes.taken(number, id);
    }
    const full = await lanes.handOff(number);
    expect(full.messageIds).toEqual([]);
    // the next slot is the first send's, a window after it
    expect(Math.abs(full.nextDueAt! - (first.at + 1000))).toBeLessThanOrEqual(2);
  });

  it('gives the exact time the oldest entry ages out, with a wider window', async () => {
    await enqueueAll(ids(25));
    const wide = new TrafficLimiter(redis, keys, { windowMs: 1020 });
    for (let i = 0; i < 20; i++) expect((await wide.take(number)).allowed).toBe(true);
    const oldest = Number((await redis.zrange(keys.numberTraffic(number), '0', '0', 'WITHSCORES'))[1]) / 1000;
    const handOff = await lanes.handOff(number, { windowMs: 1020 });
    expect(handOff.messageIds).toEqual([]);
    expect(handOff.nextDueAt).toBeGreaterThanOrEqual(Math.floor(oldest + 1020));
    expect(handOff.nextDueAt).toBeLessThanOrEqual(Math.ceil(oldest + 1020) + 1);
  });

  it('counts slots freeing within the look-ahead as free, and wakes that much earlier', async () => {
    await enqueueAll(ids(30));
    const taken = [];
    for (let i = 0; i < 20; i++) taken.push(await limiter.take(number));
    expect((await lanes.handOff(number)).messageIds).toEqual([]);
    const early = await lanes.handOff(number, { aheadMs: 5000 });
    expect(early.messageIds).toHaveLength(20);
    const before = await redisNow();
    const plain = await lanes.handOff(number, { aheadMs: 0 });
    const ahead = await lanes.handOff(number, { aheadMs: 10 });
    const after = await redisNow();
    // nothing more to hand off: both say when to come back, counted from when each was asked;
    // the look-ahead 10 ms sooner. The calls themselves are up to (after - before) ms apart.
    expect(plain.messageIds).toEqual([]);
    const sooner = plain.nextDueAt! - ahead.nextDueAt!;
    expect(sooner).toBeLessThanOrEqual(10 + 1);
    expect(sooner).toBeGreaterThanOrEqual(10 - (after - before) - 1);
  });

  it('hands off nothing while the number pauses after a 130429, and returns at the pause end', async () => {
    await enqueueAll(ids(5));
    await limiter.pause(number, 400);
    const paused = await lanes.handOff(number);
    expect(paused.messageIds).toEqual([]);
    const now = await redisNow();
    expect(paused.nextDueAt! - now).toBeGreaterThan(300);
    expect(paused.nextDueAt! - now).toBeLessThanOrEqual(400);
  });

  it('honours a smaller batch and asks to come back at once', async () => {
    await enqueueAll(ids(10));
    const handOff = await lanes.handOff(number, { max: 4 });
    expect(handOff.messageIds).toEqual(ids(4));
    expect(handOff.nextDueAt! - (await redisNow())).toBeLessThanOrEqual(0);
  });

  it('disarms an empty number, and revisits one whose hand-offs have not been sent yet', async () => {
    await enqueueAll(ids(2));
    const claim = await lanes.claim(10, 5000);
    const handOff = await lanes.handOff(number);
    expect(handOff.remaining).toBe(0);
    // two messages are out: come back later to check on them
    expect(handOff.nextDueAt).not.toBeNull();
    for (const id of handOff.messageIds) await lanes.taken(number, id);
    const done = await lanes.handOff(number);
    expect(done.nextDueAt).toBeNull();
    await lanes.rearm(claim.lease, [{ phoneNumberId: number, nextDueAt: done.nextDueAt }]);
    expect(await lanes.dueAt(number)).toBeNull();
  });

  it('reports hand-offs that never took a slot as stale, once per stale period', async () => {
    await enqueueAll(ids(3));
    await lanes.handOff(number);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const check = await lanes.handOff(number, { staleMs: 100 });
    expect(check.stale.sort()).toEqual(ids(3).sort());
    expect((await lanes.handOff(number, { staleMs: 100 })).stale).toEqual([]);
  });
});

describe('SendLanes: races between enqueue and dispatch', () => {
  it('keeps a number armed when a message arrives while a dispatcher empties its outbox', async () => {
    await enqueueAll(ids(1));
    const claim = await lanes.claim(10, 5000);
    const handOff = await lanes.handOff(number);
    expect(handOff.remaining).toBe(0);
    for (const id of handOff.messageIds) await lanes.taken(number, id);
    const empty = await lanes.handOff(number);
    expect(empty.nextDueAt).toBeNull();
    // an enqueue lands before the dispatcher rearms: the number must stay due
    await lanes.enqueue(number, 'msg_late');
    expect(await lanes.rearm(claim.lease, [{ phoneNumberId: number, nextDueAt: null }])).toBe(0);
    expect(await lanes.dueAt(number)).toBeLessThanOrEqual(await redisNow());
  });

  it('does not pull a paced number forward for its later messages', async () => {
    await enqueueAll(ids(25));
    const claim = await lanes.claim(10, 5000);
    const handOff = await lanes.handOff(number);
    await lanes.rearm(claim.lease, [{ phoneNumberId: number, nextDueAt: handOff.nextDueAt }]);
    await lanes.enqueue(number, 'msg_more');
    expect(await lanes.dueAt(number)).toBe(handOff.nextDueAt);
  });

  it('re-arms a number when a handed-off message leaves without its slot', async () => {
    await enqueueAll(ids(25));
    const claim = await lanes.claim(10, 5000);
    const handOff = await lanes.handOff(number);
    await lanes.rearm(claim.lease, [{ phoneNumberId: number, nextDueAt: handOff.nextDueAt }]);
    await lanes.release(number, handOff.messageIds[0]!);
    expect(await lanes.dueAt(number)).toBeLessThanOrEqual(await redisNow());
    expect((await lanes.handOff(number)).messageIds).toEqual([ids(21)[20]]);
  });

  it('sweeps numbers left with messages but unarmed back into the ready set', async () => {
    await enqueueAll(ids(2));
    await redis.zrem(keys.dispatchReady(), number); // as if a crash came between push and arm
    expect(await lanes.sweep()).toBe(1);
    expect(await lanes.dueAt(number)).not.toBeNull();
    // one sweeper at a time
    await redis.zrem(keys.dispatchReady(), number);
    expect(await lanes.sweep()).toBe(0);
  });

  it('never hands a message to two dispatchers', async () => {
    await enqueueAll(ids(200));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => lanes.handOff(number, { limit: 1000, max: 15 })),
    );
    const all = results.flatMap((r) => r.messageIds);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(200);
  });
});
