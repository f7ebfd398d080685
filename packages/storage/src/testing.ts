import { randomBytes } from 'node:crypto';
import { type RedisClient, redisNodes } from './redis.js';

/** A key prefix no other test run uses, so parallel runs never see each other's data. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under a prefix (SCAN, never KEYS), on every node of a cluster. */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  for (const node of redisNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      // one UNLINK per key (pipelined): on a cluster, a multi-key UNLINK must stay within one slot
      if (keys.length > 0) {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        await pipeline.exec();
      }
    } while (cursor !== '0');
  }
}
