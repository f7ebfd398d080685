import { createServer } from 'node:net';
import type { OutboundMessageRecord } from '@coexist/storage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { helloWorld, isAccepted, isFinal, startWorld, text, type World } from './harness.js';

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterEach(() => w.stopSenders());
afterAll(() => w.close());

const coupon = (to: string) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'coupon_expiration_reminder_number_vars',
    language: { code: 'en' },
    components: [
      { type: 'header', parameters: [{ type: 'text', text: 'Ana' }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'SPRING' },
          { type: 'text', text: '3' },
        ],
      },
    ],
  },
});

/** A customer writes to the number from their phone (through the sandbox, then our webhook and ingest). */
async function customerWrites(phoneNumberId: string, from: string, body = 'Hi, where is my order?') {
  const answer = await w.control('POST', `numbers/${phoneNumberId}/inbound`, { from, text: body });
  await w.drain();
  return answer.wamid as string;
}

async function expectNothingSent(phoneNumberId: string) {
  const stats = await w.stats(phoneNumberId);
  expect(stats.accepted).toBe(0);
  expect(stats.rejected).toBe(0);
}

describe('rules again at send time: a message that waited is checked with the state of now', () => {
  it('fails with outside_service_window when the window closed while it waited', async () => {
    const n = await w.onboard();
    await customerWrites(n.phoneNumberId, '+16505550101');
    const id = await w.queue(n.phoneNumberId, text('+16505550101'));
    // a day passes while the message waits: the customer's last message is now 25 h old
    const { redis, keys } = w.api.context;
    await redis.hset(keys.numberWindows(n.phoneNumberId), 'wa:16505550101', Date.now() - 25 * 3600_000);

    const sender = await w.startSender();
    const message = await w.waitFor(id, isFinal);
    expect(message.status).toBe('failed');
    expect(message.error).toMatchObject({ code: 'outside_service_window', source: 'coexist' });
    expect(message.attempts).toBe(0);
    await expectNothingSent(n.phoneNumberId);
    await sender.close();
  });

  it('fails with template_not_approved when Meta paused the template meanwhile (status webhook)', async () => {
    const n = await w.onboard();
    const id = await w.queue(n.phoneNumberId, helloWorld('+16505550102'));
    await w.control('POST', `wabas/${n.wabaId}/templates/hello_world/status`, { status: 'PAUSED' });
    await w.drain();

    const sender = await w.startSender();
    const message = await w.waitFor(id, isFinal);
    expect(message.error).toMatchObject({ code: 'template_not_approved', source: 'coexist' });
    expect(message.error!.message).toContain('PAUSED');
    await expectNothingSent(n.phoneNumberId);
    await sender.close();
  });

  it('fails with recipient_opted_out when the customer wrote STOP meanwhile', async () => {
    const n = await w.onboard();
    const id = await w.queue(n.phoneNumberId, coupon('+16505550103'));
    await customerWrites(n.phoneNumberId, '+16505550103', 'STOP');

    const sender = await w.startSender();
    const message = await w.waitFor(id, isFinal);
    expect(message.error).toMatchObject({ code: 'recipient_opted_out', source: 'coexist' });
    await expectNothingSent(n.phoneNumberId);
    await sender.close();
  });

  it('fails with number_not_active when the owner unlinked the number meanwhile (PARTNER_REMOVED)', async () => {
    const n = await w.onboard();
    const ids = await Promise.all(
      [4, 5, 6].map((i) => w.queue(n.phoneNumberId, helloWorld(`+1650555010${i}`))),
    );
    await w.control('POST', `numbers/${n.phoneNumberId}/unlink`, {});
    await w.drain();
    expect((await w.api.context.numbers.get(n.phoneNumberId))?.status).toBe('removed');

    const sender = await w.startSender();
    for (const id of ids) {
      const message = await w.waitFor(id, isFinal);
      expect(message.error).toMatchObject({ code: 'number_not_active', source: 'coexist' });
      expect(message.error!.message).toContain('Business Platform');
    }
    await expectNothingSent(n.phoneNumberId);
    await sender.close();
  });
});

describe("Meta's answers", () => {
  it("a non-retryable error fails the message with Meta's code, sent once", async () => {
    const n = await w.onboard();
    // our template cache knows a template Meta no longer has
    const { templates } = w.api.context;
    const cached = await templates.list(n.wabaId);
    const hello = cached.find((t) => t.name === 'hello_world')!;
    await templates.replaceAll(n.wabaId, [...cached, { ...hello, id: '999', name: 'retired_notice' }]);
    const id = await w.queue(n.phoneNumberId, {
      ...helloWorld('+16505550201'),
      template: { name: 'retired_notice', language: { code: 'en_US' } },
    });

    const sender = await w.startSender();
    const message = await w.waitFor(id, isFinal);
    expect(message.status).toBe('failed');
    expect(message.error).toMatchObject({ code: '132001', source: 'meta' });
    expect(message.attempts).toBe(1);
    expect((await w.stats(n.phoneNumberId)).rejected_by_code['132001']).toBe(1);
    await sender.close();
  });

  it('a transient error (5xx) is retried with back-off and then succeeds', async () => {
    const n = await w.onboard();
    const sender = await w.startSender();
    await w.control('POST', 'faults', { error_rate: 1 });
    let message: OutboundMessageRecord;
    try {
      const id = await w.queue(n.phoneNumberId, helloWorld('+16505550202'));
      // two attempts refused by Meta's 5xx
      message = await w.waitFor(id, (m) => m.attempts >= 2 && m.status === 'queued', 10_000);
    } finally {
      await w.control('POST', 'faults', { error_rate: 0 });
    }
    message = await w.waitFor(message.id, isFinal, 10_000);
    expect(isAccepted(message)).toBe(true);
    expect(message.attempts).toBeGreaterThanOrEqual(3);
    expect(message.error).toBeNull();
    expect((await w.stats(n.phoneNumberId)).accepted).toBe(1);
    await sender.close();
  });

  it("a transient error that persists fails the message with Meta's code after the retries", async () => {
    const n = await w.onboard();
    const sender = await w.startSender({ SENDER_MAX_RETRIES: '1' });
    await w.control('POST', 'faults', { error_rate: 1 });
    try {
      const id = await w.queue(n.phoneNumberId, helloWorld('+16505550203'));
      const message = await w.waitFor(id, isFinal, 10_000);
      expect(message.status).toBe('failed');
      expect(message.error?.source).toBe('meta');
      expect(['1', '2', '131000', '131016']).toContain(message.error?.code);
      expect(message.attempts).toBe(2);
    } finally {
      await w.control('POST', 'faults', { error_rate: 0 });
    }
    await sender.close();
  });

  it('Meta out of reach (nothing sent) is retried, then fails as meta_unreachable', async () => {
    const n = await w.onboard();
    // a port nobody listens on: connection refused, so the request cannot have reached Meta
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const sender = await w.startSender({ SANDBOX_PORT: String(port), SENDER_MAX_RETRIES: '1' });
    const id = await w.queue(n.phoneNumberId, helloWorld('+16505550204'));
    const message = await w.waitFor(id, isFinal, 10_000);
    expect(message.error).toMatchObject({ code: 'meta_unreachable', source: 'coexist' });
    expect(message.attempts).toBe(2);
    await sender.close();
  });
});

describe('after the send', () => {
  it('status webhooks move the message to delivered, with its wamid; outcomes reach ClickHouse', async () => {
    const n = await w.onboard();
    await customerWrites(n.phoneNumberId, '+16505550301');
    // one message that will fail at send time: its template is disabled before the sender starts
    const refused = await w.queue(n.phoneNumberId, helloWorld('+16505550302'));
    await w.control('POST', `wabas/${n.wabaId}/templates/hello_world/status`, { status: 'DISABLED' });
    await w.drain();
    const sender = await w.startSender();
    const ok = await w.queue(n.phoneNumberId, text('+16505550301', 'Thanks, it ships today'));

    const delivered = await w.waitFor(ok, (m) => ['delivered', 'read'].includes(m.status));
    expect(delivered.wamid).toMatch(/^wamid\./);
    // Meta's status timestamps are whole seconds
    expect(delivered.timeline.accepted! - 1000).toBeLessThan(delivered.timeline.delivered!);
    const view = await fetch(`${w.api.url}/v1/messages/${ok}`, {
      headers: { authorization: `Bearer ${w.apiKey}` },
    }).then((r) => r.json() as Promise<any>);
    expect(view).toMatchObject({ id: ok, wamid: delivered.wamid, error: null });
    expect(['delivered', 'read']).toContain(view.status);

    const failed = await w.waitFor(refused, isFinal);
    expect(failed.error?.code).toBe('template_not_approved');

    await w.drain();
    const db = w.api.context.warehouse.database;
    const rows = await w.api.context.warehouse.raw<{ message_id: string; source: string; wamid: string }>(
      `SELECT message_id, source, wamid FROM ${db}.messages WHERE message_id IN ('${ok}')`,
    );
    expect(rows).toEqual([{ message_id: ok, source: 'api', wamid: delivered.wamid }]);
    const statuses = await w.api.context.warehouse.raw<{ status: string }>(
      `SELECT status FROM ${db}.statuses WHERE message_id = '${refused}'`,
    );
    expect(statuses.map((s) => s.status)).toContain('failed');
    await sender.close();
  });

  it('passes a read receipt straight through to Meta, as Graph answers it', async () => {
    const n = await w.onboard();
    const wamid = await customerWrites(n.phoneNumberId, '+16505550401');
    const read = await w.send(n.phoneNumberId, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
    });
    expect(read).toEqual({ status: 200, body: { success: true } });
    expect((await w.stats(n.phoneNumberId)).mark_as_read).toBe(1);
    const unknown = await w.send(n.phoneNumberId, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.unknown',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'meta_error', details: { meta_code: 131009 } });
  });

  it('exposes Prometheus metrics: sends per number, Meta errors by code, limiter waits', async () => {
    const n = await w.onboard();
    const sender = await w.startSender({ SENDER_METRICS_PORT: '0' });
    const id = await w.queue(n.phoneNumberId, helloWorld('+16505550501'));
    const message = await w.waitFor(id, isFinal);
    // accepted, or already further on if its status webhook came first
    expect(isAccepted(message), JSON.stringify(message)).toBe(true);
    const port = (sender.metricsServer!.address() as { port: number }).port;
    const scrape = () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    let body = await scrape();
    for (let i = 0; i < 50 && !body.includes(`result="accepted"`); i++) body = await scrape();
    expect(body).toContain(
      `coexist_sender_sends_total{phone_number_id="${n.phoneNumberId}",result="accepted"} 1`,
    );
    expect(body).toContain('coexist_sender_meta_errors_total');
    expect(body).toContain('coexist_sender_limiter_waits_total');
    await sender.close();
  });
});
