/**
 * Webhook delivery like Meta's: at least once, retried with back-off on anything but 2xx,
 * duplicated or failed on purpose, bounded in concurrency, routed to overrides.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from './helpers/receiver.js';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.close();
});

async function control(path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${t.sandbox.url}/__sandbox${path}`, { method: 'POST', body: JSON.stringify(body) });
}

async function inbound(phoneNumberId: string, text: string): Promise<void> {
  const response = await control(`/numbers/${phoneNumberId}/inbound`, { from: '+16505551234', text });
  expect(response.status).toBe(202);
}

function texts(): string[] {
  return t.receiver
    .changes('messages')
    .flatMap((c) => (c.value.messages as Array<{ text?: { body: string } }> | undefined) ?? [])
    .map((m) => m.text?.body ?? '');
}

describe('delivery', () => {
  it('retries after a failure until the receiver answers 2xx', async () => {
    const b = await onboarded(t);
    const before = t.sandbox.sandbox.delivery.stats();
    t.receiver.failNext(2, 503);
    await inbound(b.phoneNumberId, 'retried');
    expect(await t.sandbox.idle(5_000)).toBe(true);
    expect(texts().filter((text) => text === 'retried')).toHaveLength(1);
    const after = t.sandbox.sandbox.delivery.stats();
    expect(after.retries - before.retries).toBe(2);
    expect(after.failed_attempts - before.failed_attempts).toBe(2);
  });

  it('drops a webhook after the last retry, and says so', async () => {
    const b = await onboarded(t);
    const before = t.sandbox.sandbox.delivery.stats();
    await control('/faults', { webhook_failure_rate: 1 });
    try {
      await inbound(b.phoneNumberId, 'never arrives');
      expect(await t.sandbox.idle(5_000)).toBe(true);
    } finally {
      await control('/faults', { webhook_failure_rate: 0 });
    }
    const after = t.sandbox.sandbox.delivery.stats();
    expect(after.dropped - before.dropped).toBe(1);
    expect(after.injected_failures - before.injected_failures).toBe(5);
    expect(texts()).not.toContain('never arrives');
  });

  it('delivers the same bytes twice when asked to duplicate', async () => {
    const b = await onboarded(t);
    await control('/faults', { webhook_duplicate_rate: 1 });
    try {
      await inbound(b.phoneNumberId, 'twice');
      expect(await t.sandbox.idle(5_000)).toBe(true);
    } finally {
      await control('/faults', { webhook_duplicate_rate: 0 });
    }
    const copies = t.receiver.received.filter((w) => w.raw.includes('"twice"'));
    expect(copies).toHaveLength(2);
    expect(copies[0]!.raw).toBe(copies[1]!.raw);
    expect(copies[0]!.signature).toBe(copies[1]!.signature);
  });

  it('sends nothing for a WABA the app is not subscribed to', async () => {
    const created = await t.sandbox.createBusiness({});
    const before = t.sandbox.sandbox.notSubscribedDrops;
    await inbound(created.phone_number_id, 'unsubscribed');
    expect(await t.sandbox.idle(5_000)).toBe(true);
    expect(texts()).not.toContain('unsubscribed');
    expect(t.sandbox.sandbox.notSubscribedDrops).toBe(before + 1);
  });

  it('routes to the number override before the WABA override and the app callback', async () => {
    const b = await onboarded(t);
    const other = await startReceiver({ appSecret: SANDBOX_DEFAULTS.appSecret, verifyToken: 'number-token' });
    try {
      const response = await fetch(`${t.sandbox.url}/v25.0/${b.phoneNumberId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook_configuration: { override_callback_uri: other.url, verify_token: 'number-token' },
        }),
      });
      expect((await response.json()) as any).toEqual({ success: true });
      await inbound(b.phoneNumberId, 'to the override');
      await other.waitFor((r) => r.length === 1, 5_000);
      expect(other.received[0]!.signatureValid).toBe(true);
      expect(texts()).not.toContain('to the override');
    } finally {
      await other.close();
    }
  });

  it('keeps at most `webhookConcurrency` posts in flight', async () => {
    let open = 0;
    let most = 0;
    const slow = createServer((req, res) => {
      open += 1;
      most = Math.max(most, open);
      req.resume();
      setTimeout(() => {
        open -= 1;
        res.writeHead(200).end();
      }, 30);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const local = await startTestSandbox({
      webhookConcurrency: 3,
      webhookUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`,
    });
    try {
      const b = await onboarded(local);
      for (let i = 0; i < 12; i += 1) {
        await fetch(`${local.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}/inbound`, {
          method: 'POST',
          body: JSON.stringify({ from: `+1650555${5000 + i}`, text: 'x' }),
        });
      }
      expect(await local.sandbox.idle(5_000)).toBe(true);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(3);
    } finally {
      await local.close();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('verifies a new app callback URL before using it', async () => {
    const ok = await control('/settings', { webhook_url: t.receiver.url });
    expect(ok.status).toBe(200);
    expect(t.receiver.handshakes.at(-1)?.['hub.verify_token']).toBe(SANDBOX_DEFAULTS.verifyToken);
    const refused = await control('/settings', { webhook_url: 'http://127.0.0.1:1/nothing-here' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).error).toMatchObject({ code: 'callback_verification_failed' });
  });
});
