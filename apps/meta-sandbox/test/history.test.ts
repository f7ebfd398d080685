/**
 * The history sync as Meta does it: one-to-one messages of the last 180 days, in chunks under
 * the size limit that arrive out of order, phases 0/1/2, progress to 100, media as
 * placeholders with follow-ups for the last 14 days only, never a group or disappearing message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../src/phone/generate.js';
import { normaliseWebhook } from './helpers/normalise.js';
import { onboarded, startTestSandbox, type TestSandbox } from './helpers/sandbox.js';

const MAX_BYTES = 24_000;

let t: TestSandbox;
let b: Awaited<ReturnType<typeof onboarded>>;
let truth: any;

beforeAll(async () => {
  t = await startTestSandbox({ historyChunkMaxBytes: MAX_BYTES, mediaBatchSize: 4 });
  b = await onboarded(t, { history: { days: 200, messages_per_day: 12 }, contacts: 25 });
  await t.client.requestSync(b.token, b.phoneNumberId, 'smb_app_state_sync');
  await t.client.requestSync(b.token, b.phoneNumberId, 'history');
  expect(await t.sandbox.idle(20_000)).toBe(true);
  truth = await fetch(`${t.sandbox.url}/__sandbox/numbers/${b.phoneNumberId}`).then(
    (r) => r.json() as Promise<any>,
  );
});

afterAll(async () => {
  await t.close();
});

function historyWebhooks() {
  return t.receiver.of('history');
}

function chunks() {
  return historyWebhooks()
    .map((webhook) => ({ webhook, result: normaliseWebhook(webhook.body) }))
    .filter(({ result }) => result.historyChunks.length > 0);
}

describe('history chunks', () => {
  it('are parsed without invalid parts and stay under the size limit', () => {
    expect(chunks().length).toBeGreaterThan(3);
    for (const webhook of historyWebhooks()) {
      expect(Buffer.byteLength(webhook.raw)).toBeLessThanOrEqual(MAX_BYTES);
      expect(normaliseWebhook(webhook.body).invalid).toEqual([]);
    }
  });

  it("hold exactly the phone's syncable messages, once each", () => {
    const messages = chunks().flatMap(({ result }) => result.messages);
    expect(messages.length).toBe(truth.messages.syncable);
    expect(new Set(messages.map((m) => m.wamid)).size).toBe(messages.length);
    const byPhase = { 0: 0, 1: 0, 2: 0 } as Record<number, number>;
    for (const message of messages) byPhase[message.history!.phase]! += 1;
    expect(byPhase).toEqual({
      0: truth.messages.by_phase['0'],
      1: truth.messages.by_phase['1'],
      2: truth.messages.by_phase['2'],
    });
    const inbound = messages.filter((m) => m.direction === 'inbound').length;
    expect(inbound).toBe(truth.messages.by_direction.inbound);
  });

  it('never carry a group or disappearing message, nor anything older than 180 days', () => {
    expect(truth.messages.group).toBeGreaterThan(0);
    expect(truth.messages.disappearing).toBeGreaterThan(0);
    expect(truth.messages.older_than_180_days).toBeGreaterThan(0);
    for (const { webhook, result } of chunks()) {
      expect(result.historyChunks[0]!.skippedCount).toBe(0);
      expect(webhook.raw).not.toMatch(/@g\.us|ephemeral|disappearing/);
    }
    const onboardedAt = Date.parse(truth.onboarded_at);
    const oldest = Math.min(...chunks().flatMap(({ result }) => result.messages.map((m) => m.timestamp)));
    expect(onboardedAt - oldest).toBeLessThan(180 * DAY_MS);
  });

  it('cover the phases with messages of the right age', () => {
    const onboardedAt = Date.parse(truth.onboarded_at);
    const phases = new Set<number>();
    for (const { result } of chunks()) {
      for (const message of result.messages) {
        const age = onboardedAt - message.timestamp;
        const phase = message.history!.phase;
        phases.add(phase);
        // Timestamps are whole seconds: allow the second lost to rounding.
        if (phase === 0) expect(age).toBeLessThan(DAY_MS + 1000);
        if (phase === 1) expect(age).toBeGreaterThanOrEqual(DAY_MS - 1000);
        if (phase === 1) expect(age).toBeLessThan(90 * DAY_MS + 1000);
        if (phase === 2) expect(age).toBeGreaterThanOrEqual(90 * DAY_MS - 1000);
      }
    }
    expect([...phases].sort()).toEqual([0, 1, 2]);
  });

  it('arrive out of order, numbered per phase, with progress reaching 100 on the last', () => {
    const positions = chunks().map(({ result }) => result.historyChunks[0]!.position);
    const sorted = [...positions].sort((x, y) => x.phase - y.phase || x.chunkOrder - y.chunkOrder);
    expect(positions).not.toEqual(sorted);
    for (const phase of [0, 1, 2]) {
      const orders = sorted.filter((p) => p.phase === phase).map((p) => p.chunkOrder);
      expect(orders).toEqual(orders.map((_, i) => i + 1));
    }
    const progress = sorted.map((p) => p.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress.filter((p) => p === 100)).toHaveLength(1);
    expect(positions.at(-1)?.progress).toBe(100);
  });

  it('give media as placeholders, with follow-ups of the same wamid for the last 14 days only', () => {
    const onboardedAt = Date.parse(truth.onboarded_at);
    const placeholders = chunks()
      .flatMap(({ result }) => result.messages)
      .filter((m) => m.type === 'media_placeholder');
    expect(placeholders.length).toBe(truth.messages.media);
    const followUps = historyWebhooks()
      .map((webhook) => normaliseWebhook(webhook.body))
      .filter((result) => result.historyChunks.length === 0)
      .flatMap((result) => result.messages);
    expect(followUps.length).toBe(truth.messages.media_within_14_days);
    expect(followUps.length).toBeGreaterThan(0);
    const placeholderIds = new Set(placeholders.map((m) => m.wamid));
    for (const media of followUps) {
      expect(placeholderIds.has(media.wamid)).toBe(true);
      expect(media.media?.id).toMatch(/^\d+$/);
      expect(media.media?.mimeType).toBeTruthy();
      expect(onboardedAt - media.timestamp).toBeLessThan(14 * DAY_MS);
    }
    const older = placeholders.filter((m) => onboardedAt - m.timestamp >= 14 * DAY_MS);
    expect(older.length).toBeGreaterThan(0);
    for (const old of older) expect(followUps.some((f) => f.wamid === old.wamid)).toBe(false);
  });

  it('look like a small business: mostly text, replies within minutes, in business hours', () => {
    const messages = chunks().flatMap(({ result }) => result.messages);
    const text = messages.filter((m) => m.type === 'text').length;
    expect(text / messages.length).toBeGreaterThan(0.6);
    const hours = messages.map((m) => new Date(m.timestamp).getUTCHours());
    // New York business hours (8:00–22:00 local) fall between 11:00 and 04:00 UTC.
    const nightInNewYork = hours.filter((h) => h >= 6 && h < 11).length;
    expect(nightInNewYork / messages.length).toBeLessThan(0.1);
  });

  it('are reported done in the truth', () => {
    expect(truth.sync.history).toMatchObject({ state: 'sent', calls: 1 });
    expect(truth.sync.contacts).toMatchObject({ state: 'sent', calls: 1 });
    expect(truth.sync.history.webhooks).toBe(historyWebhooks().length);
  });
});

describe('when the owner chose "Don\'t share chats"', () => {
  it('sends one history webhook with error 2593109 and nothing else', async () => {
    const declined = await onboarded(t, { share_history: false });
    t.receiver.clear();
    await t.client.requestSync(declined.token, declined.phoneNumberId, 'history');
    expect(await t.sandbox.idle(5_000)).toBe(true);
    const received = t.receiver.of('history');
    expect(received).toHaveLength(1);
    const result = normaliseWebhook(received[0]!.body);
    expect(result.invalid).toEqual([]);
    expect(result.historyDeclined).toEqual([
      expect.objectContaining({
        phoneNumberId: declined.phoneNumberId,
        error: expect.objectContaining({ code: 2593109 }),
      }),
    ]);
    expect(result.messages).toEqual([]);
    const truth = await fetch(`${t.sandbox.url}/__sandbox/numbers/${declined.phoneNumberId}`).then(
      (r) => r.json() as Promise<any>,
    );
    expect(truth.sync.history.state).toBe('declined');
  });
});
