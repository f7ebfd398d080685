import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TrafficLimiter } from '../limiter/traffic.js';
import { createRedis, Keys } from '../redis.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../testing.js';
import { SendSlots } from './slots.js';

const prefix = uniquePrefix('slots');
const keys = new Keys(prefix);
const redisA = createRedis(TEST_REDIS_URL);
const redisB = createRedis(TEST_REDIS_URL);
const slotsA = new SendSlots(redisA, keys);
const slotsB = new SendSlots(redisB, keys);
const limiter = new TrafficLimiter(redisA, keys);
let serial = 0;
let number = '';

beforeEach(() => {
  number = `1065403522${String(++serial).padStart(5, '0')}`;
});
afterAll(async () => {
  await deletePrefix(redisA, prefix);
  await Promise.all([redisA.quit(), redisB.quit()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SendSlots', () => {
  it('gives 20 slots per window, then the wait until the oldest ages out', async () => {
    const first = await slotsA.take(number, 'm0');
    for (let i = 1; i < 20; i++) expect((await slotsA.take(number, `m${i}`)).allowed).toBe(true);
    const refused = await slotsA.take(number, 'm20');
    expect(refused).toMatchObject({ allowed: false, paused: false, inWindow: 20 });
    // it frees when the first one ages out
    expect(Math.abs(refused.usableAt - (first.at + 1000))).toBeLessThan(1);
  });

  it('takes many slots in one call: the free ones now, the next ones ahead, the rest refused', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `b${i}`);
    const now = await slotsA.takeMany(number, ids);
    expect(now.filter((s) => s.allowed)).toHaveLength(20);
    expect(now.slice(20).every((s) => !s.allowed && s.waitMs > 900)).toBe(true);
    const later = await slotsB.takeMany(number, ['c0', 'c1'], 20, { horizonMs: 2000 });
    expect(later.every((s) => s.allowed)).toBe(true);
    expect(later[0]!.usableAt).toBeGreaterThan(now[0]!.at + 1000);
    expect(later[1]!.usableAt).toBeGreaterThanOrEqual(later[0]!.usableAt);
    await slotsA.restampMany(number, [
      { entry: now[0]!.entry, answeredAt: performance.now() },
      { entry: now[1]!.entry },
    ]);
    await slotsA.giveBack(number, now[2]!.entry, now[3]!.entry);
    expect(await redisA.zcard(keys.numberTraffic(number))).toBe(20);
  });

  it('moves a message from the hand-off set into the window when it takes its slot', async () => {
    await redisA.zadd(keys.numberHandoff(number), 1, 'msg_a', 1, 'msg_b');
    await slotsA.take(number, 'msg_a');
    expect(await redisA.zrange(keys.numberHandoff(number), '0', '-1')).toEqual(['msg_b']);
  });

  it('re-stamps an entry at the answer, so its slot frees a window after that', async () => {
    const first = await slotsA.take(number, 'slow');
    const others = [];
    for (let i = 1; i < 20; i++) others.push(await slotsA.take(number, `m${i}`));
    await sleep(600);
    await slotsA.restamp(number, first.entry);
    // once the other 19 have aged out, 19 slots are free: the re-stamped one is still held
    await sleep(Math.max(...others.map((o) => o.at)) + 1030 - Date.now());
    let allowed = 0;
    while ((await slotsA.take(number, `n${allowed}`)).allowed) allowed++;
    expect(allowed).toBe(19);
  });

  it('grants a slot that frees within the horizon, dated when it frees', async () => {
    const first = await slotsA.take(number, 'm0');
    for (let i = 1; i < 20; i++) await slotsA.take(number, `m${i}`);
    const ahead = await slotsA.take(number, 'early', 20, { horizonMs: 1500 });
    expect(ahead.allowed).toBe(true);
    // it may go when the first entry ages out, not before
    expect(ahead.usableAt).toBeGreaterThan(first.at + 1000);
    expect(ahead.waitMs).toBeGreaterThan(0);
    // the reserved slot counts: nothing else is granted now, and a later horizon gets the next slot
    expect((await slotsA.take(number, 'now')).allowed).toBe(false);
    const next = await slotsA.take(number, 'early2', 20, { horizonMs: 1500 });
    expect(next.usableAt).toBeGreaterThanOrEqual(ahead.usableAt);
    // beyond the horizon: refused with the wait
    const far = await slotsA.take(number, 'far', 20, { horizonMs: 10 });
    expect(far.allowed).toBe(false);
    expect(far.waitMs).toBeGreaterThan(500);
  });

  it('frees a slot given back, for a send that did not happen', async () => {
    const slots = [];
    for (let i = 0; i < 20; i++) slots.push(await slotsA.take(number, `m${i}`));
    expect((await slotsA.take(number, 'x')).allowed).toBe(false);
    await slotsA.giveBack(number, slots[5]!.entry);
    expect((await slotsA.take(number, 'x')).allowed).toBe(true);
  });

  it('dates a re-stamp at the answer, not at the later call', async () => {
    const taken = await slotsA.take(number, 'm');
    const answeredAt = performance.now();
    await sleep(200);
    await slotsA.restamp(number, taken.entry, answeredAt);
    const [, score] = await redisA.zrange(keys.numberTraffic(number), '0', '0', 'WITHSCORES');
    const restampedAt = Number(score) / 1000;
    expect(restampedAt - taken.at).toBeGreaterThanOrEqual(0);
    expect(restampedAt - taken.at).toBeLessThan(100);
  });

  it('puts back an entry that aged out during a very long call', async () => {
    const slots = new SendSlots(redisA, keys, { windowMs: 100 });
    const taken = await slots.take(number, 'm', 1);
    await sleep(150);
    await slots.restamp(number, taken.entry);
    const refused = await slots.take(number, 'next', 1);
    expect(refused.allowed).toBe(false);
  });

  it('counts inbound traffic and honours the 130429 pause of the limiter', async () => {
    for (let i = 0; i < 19; i++) await limiter.record(number);
    expect((await slotsA.take(number, 'a')).allowed).toBe(true);
    expect((await slotsA.take(number, 'b')).allowed).toBe(false);
    const other = `${number}9`;
    await limiter.pause(other, 300);
    const paused = await slotsA.take(other, 'c');
    expect(paused).toMatchObject({ allowed: false, paused: true });
    expect(paused.waitMs).toBeGreaterThan(200);
  });

  it('keeps arrivals at 20 per second whatever the network delay, re-stamping at the answer', async () => {
    // Sends that arrive at "Meta" 0-60 ms after they leave, answered 0-5 ms after arriving; each
    // slot is re-stamped at its answer. Meta counts arrivals: at most 20 in any 1,000 ms.
    const arrivals: number[] = [];
    const deadline = Date.now() + 2500;
    let serialNo = 0;
    const worker = async (slots: SendSlots) => {
      while (Date.now() < deadline) {
        const slot = await slots.take(number, `s${serialNo++}`, 20, { horizonMs: 30 });
        if (!slot.allowed) {
          await sleep(Math.min(slot.waitMs, 30));
          continue;
        }
        if (slot.waitMs > 0) await sleep(slot.waitMs);
        await sleep(Math.random() * 60);
        arrivals.push(Date.now());
        await sleep(Math.random() * 5);
        await slots.restamp(number, slot.entry, performance.now());
      }
    };
    await Promise.all([slotsA, slotsB, slotsA, slotsB, slotsA, slotsB].map(worker));
    arrivals.sort((a, b) => a - b);
    let max = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i]! - arrivals[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    expect(max).toBeLessThanOrEqual(20);
    expect(arrivals.length).toBeGreaterThanOrEqual(40);
  });

  it('never gives more than 20 slots in any window to two processes racing', async () => {
    const takenAt: number[] = [];
    const deadline = Date.now() + 2200;
    await Promise.all(
      [slotsA, slotsB].map(async (slots, p) => {
        let i = 0;
        while (Date.now() < deadline) {
          const slot = await slots.take(number, `p${p}-${i++}`, 20, { horizonMs: 15 });
          // a slot granted ahead is used only from when it frees
          if (slot.allowed) takenAt.push(slot.usableAt);
          else await sleep(Math.min(slot.waitMs, 20));
        }
      }),
    );
    takenAt.sort((a, b) => a - b);
    let max = 0;
    for (let i = 0, j = 0; i < takenAt.length; i++) {
      while (takenAt[i]! - takenAt[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    expect(max).toBeLessThanOrEqual(20);
    expect(takenAt.length).toBeGreaterThanOrEqual(40);
    expect(takenAt.length).toBeLessThanOrEqual(60);
  });
});
