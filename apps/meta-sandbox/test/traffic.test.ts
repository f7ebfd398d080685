/**
 * Meta's throughput rule over HTTP: at most 20 messages per number in any sliding second,
 * counting the inbound messages the number receives, with the stats tests rely on.
 */
import { MetaError } from '@coexist/meta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox({ statusWebhooks: false });
});
afterAll(async () => {
  await t.close();
});

const template = (to: string) => ({
  to,
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
});

async function stats(phoneNumberId: string): Promise<any> {
  return fetch(`${t.sandbox.url}/__sandbox/numbers/${phoneNumberId}/stats`).then(
    (r) => r.json() as Promise<any>,
  );
}

async function burst(token: string, phoneNumberId: string, count: number, offset = 0) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      t.client.sendMessage(token, phoneNumberId, template(`+1650555${String(3000 + offset + i)}`)),
    ),
  );
  return {
    accepted: results.filter((r) => r.status === 'fulfilled').length,
    codes: results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason instanceof MetaError ? r.reason.code : -1)),
  };
}

describe('throughput', () => {
  it('accepts 20 of a flood of 100 in one second, answers 130429 to the rest', async () => {
    const b = await onboarded(t);
    const started = Date.now();
    const result = await burst(b.token, b.phoneNumberId, 100);
    if (Date.now() - started < 1000) {
      expect(result.accepted).toBe(20);
      expect(result.codes).toEqual(Array(80).fill(130429));
    } else {
      // A slow machine spreads the flood over more than a second: the cap still holds.
      expect(result.accepted).toBeGreaterThanOrEqual(20);
    }
    const s = await stats(b.phoneNumberId);
    expect(s.max_accepted_in_any_1s).toBe(20);
    expect(s.rejected_by_code['130429']).toBe(100 - result.accepted);
  });

  it('takes room again once the second has passed', async () => {
    const b = await onboarded(t);
    const started = Date.now();
    await burst(b.token, b.phoneNumberId, 20);
    const next = await burst(b.token, b.phoneNumberId, 1, 100);
    if (Date.now() - started < 1000) expect(next.codes).toEqual([130429]);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await burst(b.token, b.phoneNumberId, 5, 200)).accepted).toBe(5);
  });

  it('counts inbound messages against the same 20', async () => {
    const b = await onboarded(t);
    const started = Date.now();
    for (let i = 0; i < 8; i += 1) {
      await fetch(`${t.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}/inbound`, {
        method: 'POST',
        body: JSON.stringify({ from: `+1650555${4000 + i}`, text: 'hi' }),
      });
    }
    const result = await burst(b.token, b.phoneNumberId, 20);
    if (Date.now() - started < 1000) expect(result.accepted).toBe(12);
    const s = await stats(b.phoneNumberId);
    expect(s.inbound).toBe(8);
    expect(s.max_traffic_in_any_1s).toBeLessThanOrEqual(20);
    expect(s.max_accepted_in_any_1s).toBeLessThanOrEqual(12);
  });

  it('keeps numbers apart', async () => {
    const one = await onboarded(t);
    const two = await onboarded(t);
    await burst(one.token, one.phoneNumberId, 25);
    expect((await burst(two.token, two.phoneNumberId, 20)).accepted).toBe(20);
  });
});

describe('stats', () => {
  it('sums every number in GET /__sandbox/stats', async () => {
    const all = await fetch(`${t.sandbox.url}/__sandbox/stats`).then((r) => r.json() as Promise<any>);
    expect(all.totals.max_accepted_in_any_1s).toBeLessThanOrEqual(20);
    expect(all.totals.accepted).toBeGreaterThan(0);
    expect(all.totals.rejected_by_code['130429']).toBeGreaterThan(0);
    expect(Object.keys(all.numbers).length).toBeGreaterThanOrEqual(5);
    expect(all.webhooks).toMatchObject({ delivered: expect.any(Number), dropped: 0 });
    const light = await fetch(`${t.sandbox.url}/__sandbox/stats?numbers=false`).then(
      (r) => r.json() as Promise<any>,
    );
    expect(light.numbers).toBeUndefined();
  });

  it('keeps the accepted sends, newest last, bounded', async () => {
    const b = await onboarded(t);
    await t.client.sendMessage(b.token, b.phoneNumberId, template('+16505559000'), {
      bizOpaqueCallbackData: 'x-1',
    });
    const response = await fetch(`${t.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}/messages?limit=5`);
    const kept = (await response.json()) as any;
    expect(kept.total_accepted).toBe(1);
    expect(kept.data).toEqual([
      expect.objectContaining({
        to: '16505559000',
        type: 'template',
        biz_opaque_callback_data: 'x-1',
        template: { name: 'hello_world', language: 'en_US' },
      }),
    ]);
  });
});
