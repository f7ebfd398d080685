import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts tokens, keys and secrets by key, at any usual depth', () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: 'test' }, stream);
    log.info(
      {
        token: 'EAAG-secret-token-1',
        binding: { accessToken: 'EAAG-secret-token-2', api_key: 'cx_secret_key' },
        req: { headers: { authorization: 'Bearer cx_secret_key_2' } },
        app_secret: 'the-app-secret',
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of ['EAAG-secret-token-1', 'EAAG-secret-token-2', 'cx_secret_key', 'the-app-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', token: '[REDACTED]', service: 'test' });
  });

  it('scrubs known secret values from free text such as error messages', () => {
    const { lines, stream } = capture();
    const secret = 'coexist-app-secret-value';
    const log = createLogger({ name: 'test', secrets: [secret] }, stream);
    log.error({ err: new Error(`request to ?client_secret=${secret} failed`) }, `oops ${secret}`);
    const text = lines.join('');
    expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });
});
