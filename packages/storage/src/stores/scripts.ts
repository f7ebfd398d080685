import { readFileSync } from 'node:fs';
import type { RedisClient } from '../redis.js';

const HASH_MAX = readFileSync(new URL('./max.lua', import.meta.url), 'utf8');

type HashMax = (key: string, ...fieldValues: Array<string | number>) => Promise<number>;

/** `HSET` that only ever raises numeric fields, atomically. */
export function hashMax(redis: RedisClient): HashMax {
  if (!('coexistHashMax' in redis)) redis.defineCommand('coexistHashMax', { numberOfKeys: 1, lua: HASH_MAX });
  return (redis as unknown as { coexistHashMax: HashMax }).coexistHashMax.bind(redis);
}
