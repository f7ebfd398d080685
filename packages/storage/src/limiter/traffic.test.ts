import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedis, Keys } from '../redis.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../testing.js';
import { TrafficLimiter } from './traffic.js';

const prefix = uniquePrefix('limiter');
const keys = new Keys(prefix);
const redisA = createRedis(TEST_REDIS_URL);
const redisB = createRedis(TEST_REDIS_URL);
const limiterA = new TrafficLimiter(redisA, keys);
const limiterB = new TrafficLimiter(redisB, keys);
let n = 0;
let number = '';

beforeEach(() => {
  number = `1065403522429${String(++n).padStart(2, '0')}`;
});
afterAll(async () => {
  await deletePrefix(redisA, prefix);
  await Promise.all([redisA.quit(), redisB.quit()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TrafficLimiter', () => {
  it('allows 20 and refuses the 21st with the wait until a slot frees', async () => {
    for (let i = 0; i < 20; i++) expect((await limiterA.take(number)).allowed).toBe(true);
    const refused = await limiterA.take(number);
    expect(refused.allowed).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(1001);
    await sleep(refused.waitMs);
    expect((await limiterA.take(number)).allowed).toBe(true);
  });

  it('holds the cap across processes racing for the same number', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? limiterA : limiterB).take(number)),
    );
    expect(attempts.filter((a) => a.allowed)).toHaveLength(20);
  });

  it('keeps numbers independent', async () => {
    for (let i = 0; i < 20; i++) await limiterA.take(number);
    expect((await limiterA.take(`${number}9`)).allowed).toBe(true);
  });

  it('counts inbound traffic against the same budget, and never refuses it', async () => {
    for (let i = 0; i < 25; i++) expect((await limiterA.record(number)).allowed).toBe(true);
    const refused = await limiterA.take(number);
    expect(refused.allowed).toBe(false);
    expect(refused.inWindow).toBe(25);
  });

  it('refuses everything while the number is paused after a 130429', async () => {
    await limiterA.pause(number, 300);
    const refused = await limiterB.take(number);
    expect(refused.allowed).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(100);
    expect(refused.waitMs).toBeLessThanOrEqual(300);
    await sleep(320);
    expect((await limiterB.take(number)).allowed).toBe(true);
  });

  it('never lets more than 20 through in any sliding second under steady pressure', async () => {
    const allowedAt: number[] = [];
    const deadline = Date.now() + 2300;
    // Two greedy clients hammer the same number; each records when Redis let it through.
    await Promise.all(
      [limiterA, limiterB].map(async (limiter) => {
        while (Date.now() < deadline) {
          const result = await limiter.take(number);
          if (result.allowed) allowedAt.push(result.at);
          else await sleep(Math.min(result.waitMs, 25));
        }
      }),
    );
    allowedAt.sort((a, b) => a - b);
    let max = 0;
    for (let i = 0, j = 0; i < allowedAt.length; i++) {
      while (allowedAt[i]! - allowedAt[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    // on Redis's clock, which every process shares
    expect(max).toBeLessThanOrEqual(20);
    expect(allowedAt.length).toBeGreaterThanOrEqual(40);
    expect(allowedAt.length).toBeLessThanOrEqual(60);
  });
});
