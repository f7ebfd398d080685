import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { EnvError } from '@coexist/runtime';
import { describe, expect, it } from 'vitest';
import { loadSandboxEnv } from './env.js';

describe('loadSandboxEnv', () => {
  it('defaults to loopback:8090 and the development app shared with the api', () => {
    const env = loadSandboxEnv({});
    expect(env).toMatchObject({
      SANDBOX_PORT: 8090,
      SANDBOX_HOST: '127.0.0.1',
      META_APP_ID: SANDBOX_DEFAULTS.appId,
      META_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
      META_CONFIG_ID: SANDBOX_DEFAULTS.configId,
      META_VERIFY_TOKEN: SANDBOX_DEFAULTS.verifyToken,
      SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:8080/webhooks/meta',
      LOG_LEVEL: 'info',
    });
  });

  it('names the variable that is wrong, without showing secrets', () => {
    let error: unknown;
    try {
      loadSandboxEnv({ SANDBOX_PORT: 'eighty', META_APP_SECRET: 'short', SANDBOX_WEBHOOK_URL: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message).toContain('SANDBOX_PORT ("eighty")');
    expect(message).toContain('META_APP_SECRET (set)');
    expect(message).toContain('SANDBOX_WEBHOOK_URL');
    expect(message).not.toContain('short');
  });
});
