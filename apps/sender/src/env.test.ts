import { EnvError } from '@coexist/runtime';
import { describe, expect, it } from 'vitest';
import { loadSenderEnv } from './env.js';

describe('sender env', () => {
  it('has defaults that run next to the api on one machine', () => {
    const env = loadSenderEnv({});
    expect(env).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'coexist',
      SENDER_CONCURRENCY: 100,
      SENDER_WINDOW_MARGIN_MS: 2,
      SENDER_RECONCILE_GRACE_MS: 120_000,
      DATA_DIR: './.data',
    });
    expect(env.SENDER_METRICS_PORT).toBeUndefined();
  });

  it('names each variable that is wrong', () => {
    try {
      loadSenderEnv({ REDIS_URL: 'http://x', SENDER_CONCURRENCY: '0', REDIS_PREFIX: 'a b' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as EnvError).message;
      for (const name of ['REDIS_URL', 'SENDER_CONCURRENCY', 'REDIS_PREFIX']) expect(message).toContain(name);
    }
  });
});
