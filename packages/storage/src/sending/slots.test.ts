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
    for (let i = 0; i < 20; i++) expect((await slotsA.take(number, `m${i}`)).allowed).toBe(true);
    const refused = await slotsA.take(number, 'm20');
    expect(refused).toMatchObject({ allowed: false, paused: false, inWindow: 20 });
    expect(refused.waitMs).toBeGreaterThan(900);
    expect(refused.waitMs).toBeLessThanOrEqual(1001);
  });

  it('moves a message from the hand-off set into the window when it takes its slot', async () => {
    await redisA.zadd(keys.numberHandoff(number), 1, 'msg_a', 1, 'msg_b');
    await slotsA.take(number, 'msg_a');
    expect(await redisA.zrange(keys.numberHandoff(number), '0', '-1')).toEqual(['msg_b']);
  });

  it('re-stamps an entry at the answer, so its slot frees a window after that', async () => {
    const first = await slotsA.take(number, 'slow');
    for (let i = 1; i < 20; i++) await slotsA.take(number, `m${i}`);
    await sleep(300);
    await slotsA.restamp(number, first.entry);
    // the oldest entry is now another one, taken right after the first
    const refused = await slotsA.take(number, 'late');
    expect(refused.allowed).toBe(false);
    expect(refused.waitMs).toBeLessThan(750);
    // once the other 19 have aged out, 19 slots are free: the re-stamped one is still held
    await sleep(refused.waitMs + 50);
    let allowed = 0;
    while ((await slotsA.take(number, `n${allowed}`)).allowed) allowed++;
    expect(allowed).toBe(19);
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

  it('never gives more than 20 slots in any window to two processes racing', async () => {
    const takenAt: number[] = [];
    const deadline = Date.now() + 2200;
    await Promise.all(
      [slotsA, slotsB].map(async (slots, p) => {
        let i = 0;
        while (Date.now() < deadline) {
          const slot = await slots.take(number, `p${p}-${i++}`);
          if (slot.allowed) takenAt.push(slot.at);
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
