import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
await redis.connect();
console.log(`coexist sender connected to Redis (${await redis.ping()})`);
await redis.quit();
