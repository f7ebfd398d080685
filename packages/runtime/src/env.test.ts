import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, envVars, parseEnv } from './env.js';

const schema = z.object({
  PORT: envVars.port(8080),
  REDIS_URL: envVars.redisUrl(),
  META_APP_SECRET: z.string().min(16, 'must be at least 16 characters'),
  LIST: envVars.list(['234', '27']),
});

describe('parseEnv', () => {
  it('applies defaults and coercion', () => {
    const env = parseEnv(schema, { META_APP_SECRET: 'x'.repeat(16), PORT: '9000' });
    expect(env).toEqual({
      PORT: 9000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      META_APP_SECRET: 'x'.repeat(16),
      LIST: ['234', '27'],
    });
  });

  it('treats empty values as unset', () => {
    expect(parseEnv(schema, { META_APP_SECRET: 'x'.repeat(16), PORT: '  ', LIST: '' }).PORT).toBe(8080);
  });

  it('names every wrong variable, and never prints a secret value', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', REDIS_URL: 'http://x', META_APP_SECRET: 'short-secret' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message).toMatch(/PORT \("eighty"\)/);
    expect(message).toMatch(/REDIS_URL \("http:\/\/x"\): must be a redis/);
    expect(message).toMatch(/META_APP_SECRET \(set\): must be at least 16/);
    expect(message).not.toContain('short-secret');
    expect((error as EnvError).problems).toHaveLength(3);
  });

  it('splits lists', () => {
    expect(parseEnv(schema, { META_APP_SECRET: 'x'.repeat(16), LIST: ' 55, 1 ,,' }).LIST).toEqual([
      '55',
      '1',
    ]);
  });
});
