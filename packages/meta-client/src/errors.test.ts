import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exponentialBackoff, MetaError, MetaNetworkError, pairRateBackoff } from './errors.js';

const payloads = new URL('../../../fixtures/meta/payloads/', import.meta.url);
const errorFixtures = readdirSync(payloads)
  .filter((name) => /^(send|smb-app-data)-error-\d+\.json$/.test(name))
  .map((name) => [name, JSON.parse(readFileSync(new URL(name, payloads), 'utf8')).error] as const);

const EXPECTED: Record<number, { category: string; retryable: boolean; scope?: string }> = {
  130429: { category: 'throughput', retryable: true, scope: 'number' },
  131056: { category: 'pair_rate', retryable: true, scope: 'recipient' },
  131047: { category: 'service_window', retryable: false },
  131026: { category: 'recipient', retryable: false },
  132000: { category: 'template', retryable: false },
  132001: { category: 'template', retryable: false },
  132015: { category: 'template', retryable: false },
  2593107: { category: 'sync', retryable: false },
  2593108: { category: 'sync', retryable: false },
};

describe('MetaError', () => {
  it('covers every error body in the fixtures', () => {
    expect(errorFixtures.length).toBeGreaterThanOrEqual(9);
    for (const [name, body] of errorFixtures) expect(EXPECTED[body.code], name).toBeDefined();
  });

  it.each(errorFixtures)('reads %s with its retry advice', (_name, body) => {
    const error = new MetaError(body, 400, 'send the message');
    const expected = EXPECTED[body.code]!;
    expect(error.code).toBe(body.code);
    expect(error.type).toBe('OAuthException');
    expect(error.details).toBe(body.error_data.details);
    expect(error.fbtraceId).toBe(body.fbtrace_id);
    expect(error.category).toBe(expected.category);
    expect(error.retry.retryable).toBe(expected.retryable);
    if (error.retry.retryable) expect(error.retry.scope).toBe(expected.scope);
    expect(error.message).toContain(body.message);
  });

  it('keeps the subcode Meta sends on 130429', () => {
    const body = errorFixtures.find(([, b]) => b.code === 130429)![1];
    expect(new MetaError(body, 400, 'send').subcode).toBe(2494055);
  });

  it.each([
    [131050, 'opted_out', false],
    [131060, 'message_unavailable', false],
    [132016, 'template', false],
    [190, 'auth', false],
    [200, 'auth', false],
    [131000, 'transient', true],
    [4, 'rate_limit', true],
    [80007, 'rate_limit', true],
    [131057, 'transient', true],
  ])('code %d is %s (retryable: %s)', (code, category, retryable) => {
    const error = new MetaError({ code, message: `(#${code}) x` }, 400, 'op');
    expect(error.category).toBe(category);
    expect(error.retry.retryable).toBe(retryable);
  });

  it('retries unknown codes only when Meta answered 5xx', () => {
    expect(new MetaError({ code: 999999 }, 503, 'op').retry.retryable).toBe(true);
    expect(new MetaError({ code: 999999 }, 400, 'op').retry.retryable).toBe(false);
  });

  it('serialises without anything but Meta facts', () => {
    const json = JSON.stringify(
      new MetaError({ code: 190, message: 'Invalid OAuth access token' }, 401, 'read'),
    );
    expect(JSON.parse(json)).toMatchObject({
      code: 190,
      category: 'auth',
      retryable: false,
      http_status: 401,
    });
  });
});

describe('back-off', () => {
  it('waits 4^X seconds after a pair-rate error', () => {
    expect([0, 1, 2].map(pairRateBackoff)).toEqual([1000, 4000, 16000]);
  });

  it('grows exponentially with jitter inside [ceiling/2, ceiling]', () => {
    const low = exponentialBackoff(1000, 60_000, () => 0);
    const high = exponentialBackoff(1000, 60_000, () => 1);
    expect([0, 1, 2, 3].map(low)).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map(high)).toEqual([1000, 2000, 4000, 8000]);
    expect(high(30)).toBe(60_000);
  });

  it('marks a network failure retryable and says whether a send may have gone out', () => {
    const error = new MetaNetworkError('send the message', 'Meta did not answer in time', true);
    expect(error.retry.retryable).toBe(true);
    expect(error.maybeDelivered).toBe(true);
  });
});
