import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

// The sender's state lives in Redis; this proves the test machine's Redis is the real thing.
describe('sender redis', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const key = `test:sender:${process.pid}:${Date.now()}`;
  afterAll(async () => {
    await redis.del(key);
    await redis.quit();
  });

  it('reaches a Redis 7 server and runs Lua with TIME', async () => {
    const info = await redis.info('server');
    expect(Number(/redis_version:(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(7);
    const [seconds] = (await redis.eval("return redis.call('TIME')", 0)) as [string, string];
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
    await redis.set(key, '1', 'PX', 10_000);
    expect(await redis.get(key)).toBe('1');
  });
});
