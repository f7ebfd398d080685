import type { SendOutcomeJob } from '@coexist/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

/**
 * A small history whose every figure is worked out by hand. The number is in São Paulo
 * (UTC−3, no DST), so 02:30 UTC on 3 March is still 2 March there.
 *
 * contact A: 13:00Z in (history) → 13:04Z out (history, 240 s) → 14:00Z in (live) → 14:30Z out (API, 1800 s)
 *            4 March 12:00Z out (echo): a new conversation (> 24 h of silence), started by the business
 * contact B: 3 March 02:30Z in (live) → 02:31Z out (echo, 60 s)
 */
const NUMBER = '106540352249999';
const A = '16505550001';
const B = '16505550002';
const at = (iso: string) => String(Date.parse(iso) / 1000);

let t: TestApi;
let apiKey: string;
let otherKey: string;

const envelope = (field: string, value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129349999',
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550009999', phone_number_id: NUMBER },
              ...value,
            },
          },
        ],
      },
    ],
  });

beforeAll(async () => {
  // rebuilds (and the reconciliation in them) happen only when a test asks for them
  t = await startTestApi({}, { refresher: { debounceMs: 60 * 60_000 } });
  const account = await t.createAccount();
  apiKey = account.apiKey;
  otherKey = (await t.createAccount('Other')).apiKey;
  await t.bindNumber(account.accountId, {
    phoneNumberId: NUMBER,
    wabaId: '102290129349999',
    displayPhoneNumber: '15550009999',
    timezone: 'America/Sao_Paulo',
  });
  const text = (from: string, id: string, iso: string) => ({
    from,
    id,
    timestamp: at(iso),
    type: 'text',
    text: { body: 'hi' },
  });
  await t.postWebhook(
    envelope('history', {
      history: [
        {
          metadata: { phase: 0, chunk_order: 1, progress: 100 },
          threads: [
            {
              id: A,
              messages: [
                { ...text(A, 'wamid.A1', '2026-03-02T13:00:00Z'), history_context: { status: 'READ' } },
                {
                  ...text('15550009999', 'wamid.A2', '2026-03-02T13:04:00Z'),
                  history_context: { status: 'READ' },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  await t.postWebhook(
    envelope('messages', {
      contacts: [
        { profile: { name: 'Ana' }, wa_id: A },
        { profile: { name: 'Bruno' }, wa_id: B },
      ],
      messages: [text(A, 'wamid.A3', '2026-03-02T14:00:00Z'), text(B, 'wamid.B1', '2026-03-03T02:30:00Z')],
    }),
  );
  await t.postWebhook(
    envelope('smb_message_echoes', {
      message_echoes: [
        { ...text('15550009999', 'wamid.A5', '2026-03-04T12:00:00Z'), to: A },
        { ...text('15550009999', 'wamid.B2', '2026-03-03T02:31:00Z'), to: B },
      ],
    }),
  );
  const outcome = (over: Partial<SendOutcomeJob>): SendOutcomeJob => ({
    type: 'send_outcome',
    messageId: 'msg_a4',
    accountId: account.accountId,
    phoneNumberId: NUMBER,
    status: 'accepted',
    wamid: 'wamid.A4',
    at: Date.parse('2026-03-02T14:30:00Z'),
    recipient: A,
    messageType: 'template',
    templateName: 'order_update',
    templateLanguage: 'en_US',
    templateCategory: 'UTILITY',
    textLength: 0,
    errorCode: null,
    errorMessage: null,
    ...over,
  });
  await t.api.context.queues.ingest.add('send_outcome', outcome({}));
  await t.api.context.queues.ingest.add(
    'send_outcome',
    outcome({
      messageId: 'msg_b9',
      status: 'failed',
      wamid: null,
      recipient: B,
      templateName: 'spring_sale',
      errorCode: 'template_not_approved',
      errorMessage: 'paused',
    }),
  );
  await t.postWebhook(
    envelope('messages', {
      statuses: ['delivered', 'read'].map((status, i) => ({
        id: 'wamid.A4',
        status,
        timestamp: at(`2026-03-02T14:3${i + 1}:00Z`),
        recipient_id: A,
      })),
    }),
  );
  await t.drain();
  await t.api.refresher.flush();
});
afterAll(() => t.close());

const report = async (name: string, query = 'from=2026-03-01&to=2026-03-05', key = apiKey) =>
  t.call(key, 'GET', `/v1/numbers/${NUMBER}/analytics/${name}?${query}`);

describe('analytics reports', () => {
  it('volume: per day in the number’s time zone, by direction and source', async () => {
    const { status, body } = await report('volume');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      timezone: 'America/Sao_Paulo',
      from: '2026-03-01T03:00:00.000Z',
      to: '2026-03-06T03:00:00.000Z',
    });
    expect(body.series.map((d: { bucket: string }) => d.bucket)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
    ]);
    expect(body.series[1]).toEqual({
      bucket: '2026-03-02',
      inbound: 3,
      outbound: 3,
      history: 2,
      echo: 1,
      live: 2,
      api: 1,
    });
    expect(body.series[2]).toMatchObject({ inbound: 0, outbound: 0 });
    expect(body.series[3]).toEqual({
      bucket: '2026-03-04',
      inbound: 0,
      outbound: 1,
      history: 0,
      echo: 1,
      live: 0,
      api: 0,
    });
    expect(body.totals).toEqual({
      inbound: 3,
      outbound: 4,
      history: 2,
      echo: 2,
      live: 2,
      api: 1,
      messages: 7,
    });
    const hourly = await report('volume', 'from=2026-03-02&to=2026-03-02&granularity=hour');
    expect(hourly.body.series.map((h: { bucket: string; inbound: number }) => [h.bucket, h.inbound])).toEqual(
      [
        ['2026-03-02T10:00', 1],
        ['2026-03-02T11:00', 1],
        ['2026-03-02T23:00', 1],
      ],
    );
  });

  it('heatmap: weekday × hour, local', async () => {
    const { body } = await report('heatmap');
    expect(body.cells).toHaveLength(168);
    const cell = (weekday: number, hour: number) =>
      body.cells.find((c: { weekday: number; hour: number }) => c.weekday === weekday && c.hour === hour);
    expect(cell(1, 10)).toMatchObject({ messages: 2, inbound: 1, outbound: 1 }); // Monday 2 March, 10:00
    expect(cell(1, 11)).toMatchObject({ messages: 2 });
    expect(cell(1, 23)).toMatchObject({ messages: 2 });
    expect(cell(3, 9)).toMatchObject({ messages: 1, outbound: 1 });
    expect(body.max).toBe(2);
    expect(body.cells.reduce((sum: number, c: { messages: number }) => sum + c.messages, 0)).toBe(7);
  });

  it('conversations: split by 24 h of silence, started by whom, with names', async () => {
    const { body } = await report('conversations');
    expect(body).toMatchObject({ total: 3, started_by_customer: 2, started_by_business: 1 });
    expect(body.recent).toHaveLength(3);
    expect(body.recent[0]).toMatchObject({
      contact: A,
      contact_name: 'Ana',
      started_by: 'business',
      messages: 1,
      first_response_seconds: null,
    });
    const ana = body.recent.find(
      (c: { started_by: string; contact: string }) => c.contact === A && c.started_by === 'customer',
    );
    expect(ana).toMatchObject({
      messages: 4,
      inbound: 2,
      outbound: 2,
      first_response_seconds: 240,
      first_responder: 'phone_app',
      started_at: '2026-03-02T13:00:00.000Z',
    });
    expect(body.per_day.find((d: { day: string }) => d.day === '2026-03-02')).toEqual({
      day: '2026-03-02',
      conversations: 2,
      started_by_customer: 2,
      started_by_business: 0,
    });
  });

  it('conversations.csv: one row per conversation', async () => {
    const response = await fetch(
      `${t.url}/v1/numbers/${NUMBER}/analytics/conversations.csv?from=2026-03-01&to=2026-03-05`,
      {
        headers: { authorization: `Bearer ${apiKey}` },
      },
    );
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?conversations-106540352249999-2026-03-01-2026-03-05\.csv"?$/,
    );
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'contact,contact_name,started_at,ended_at,messages,inbound,outbound,started_by,first_response_seconds,first_responder',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(
      `${A},Ana,2026-03-02T13:00:00.000Z,2026-03-02T14:30:00.000Z,4,2,2,customer,240,phone_app`,
    );
  });

  it('response-times: first response and every response, buckets and responders', async () => {
    const { body } = await report('response-times');
    expect(body.first_response).toEqual({ count: 2, median_seconds: 240, p90_seconds: 240 });
    expect(body.response.count).toBe(3);
    expect(body.response.median_seconds).toBe(240);
    const bucket = (name: string) => body.buckets.find((b: { bucket: string }) => b.bucket === name);
    expect(bucket('1-5m')).toEqual({ bucket: '1-5m', first_response: 2, response: 2 });
    expect(bucket('15-60m')).toEqual({ bucket: '15-60m', first_response: 0, response: 1 });
    expect(body.buckets.map((b: { bucket: string }) => b.bucket)).toEqual([
      '<1m',
      '1-5m',
      '5-15m',
      '15-60m',
      '1-4h',
      '4-24h',
      '>24h',
    ]);
    expect(body.by_responder).toEqual([
      { responder: 'api', count: 1, median_seconds: 1800, p90_seconds: 1800 },
      { responder: 'phone_app', count: 2, median_seconds: 240, p90_seconds: 240 },
    ]);
  });

  it('contacts: active, new per local day, most active with names', async () => {
    const { body } = await report('contacts');
    expect(body).toMatchObject({ total: 2, new: 2, opted_out: 0 });
    expect(body.per_day.find((d: { day: string }) => d.day === '2026-03-02')).toEqual({
      day: '2026-03-02',
      new_contacts: 2,
      active_contacts: 2,
    });
    expect(body.most_active[0]).toMatchObject({
      contact: A,
      name: 'Ana',
      messages: 5,
      inbound: 2,
      outbound: 3,
    });
  });

  it('sources: phone app against API in outbound', async () => {
    const { body } = await report('sources');
    expect(body.totals).toEqual({ phone_app: 3, api: 1, api_share: 0.25 });
    expect(body.series.find((d: { bucket: string }) => d.bucket === '2026-03-02')).toEqual({
      bucket: '2026-03-02',
      phone_app: 2,
      api: 1,
      api_share: 0.3333,
    });
  });

  it('templates: the funnel from accepted to read, and failures by code', async () => {
    const { body } = await report('templates');
    expect(body.templates).toEqual([
      {
        name: 'order_update',
        language: 'en_US',
        sent: 1,
        delivered: 1,
        read: 1,
        failed: 0,
        delivered_rate: 1,
        read_rate: 1,
        failures: [],
      },
      {
        name: 'spring_sale',
        language: 'en_US',
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 1,
        delivered_rate: null,
        read_rate: null,
        failures: [{ code: 'template_not_approved', title: 'paused', count: 1 }],
      },
    ]);
  });

  it('history: sync state, phases, chunks and messages by month', async () => {
    const { body } = await report('history');
    expect(body.sync).toMatchObject({
      state: 'completed',
      progress: 100,
      chunks_received: 1,
      messages_received: 2,
    });
    expect(body.phases[0]).toEqual({ phase: 0, chunks: 1, messages: 2 });
    expect(body.by_month).toEqual([{ month: '2026-03', messages: 2, inbound: 1, outbound: 1 }]);
  });

  it('contacts lookups for the composer: list with search, and one contact’s window', async () => {
    const list = await t.call(apiKey, 'GET', `/v1/numbers/${NUMBER}/contacts?search=bru`);
    expect(list.body.data).toEqual([
      { contact: B, wa_id: B, name: 'Bruno', last_message_at: '2026-03-03T02:31:00.000Z', messages: 2 },
    ]);
    const one = await t.call(apiKey, 'GET', `/v1/numbers/${NUMBER}/contacts/+${A}`);
    expect(one.body).toMatchObject({ contact: A, wa_id: A, name: 'Ana', opted_out: null });
    expect(one.body.window).toEqual({
      open: false,
      last_inbound_at: '2026-03-02T14:00:00.000Z',
      closes_at: '2026-03-03T14:00:00.000Z',
    });
  });

  it('follows new messages after a rebuild', async () => {
    await t.postWebhook(
      envelope('messages', {
        messages: [
          {
            from: B,
            id: 'wamid.B3',
            timestamp: at('2026-03-05T12:00:00Z'),
            type: 'text',
            text: { body: 'again' },
          },
        ],
      }),
    );
    await t.drain();
    // the message is in the live counts at once; the derived reports say they are behind it
    expect((await report('volume')).body.totals.messages).toBe(8);
    expect((await report('volume')).body.updating).toBeUndefined();
    for (const name of ['conversations', 'response-times', 'contacts']) {
      const behind = await report(name);
      expect(behind.body.updating, name).toBe(true);
    }
    expect((await report('conversations')).body.total).toBe(3);
    await t.api.refresher.flush();
    const { body } = await report('conversations');
    expect(body.total).toBe(4);
    expect(body.updating).toBe(false);
    expect((await report('contacts')).body.updating).toBe(false);
    // reports read the current generation; they do not rebuild it
    const generation = await t.api.refresher.generation(NUMBER);
    await report('contacts');
    await report('response-times');
    expect(await t.api.refresher.generation(NUMBER)).toBe(generation);
    // and the previous generation is gone from every derived table
    for (const table of ['conversations', 'responses', 'contact_days']) {
      const [row] = await t.api.context.warehouse.raw<{ generations: string }>(
        `SELECT uniqExact(generation) AS generations FROM ${t.api.context.warehouse.table(table)} WHERE phone_number_id = {id:String}`,
        { id: NUMBER },
      );
      expect(row?.generations, table).toBe('1');
    }
  });

  it('repairs counts a materialized view missed or doubled, from the stored messages', async () => {
    const before = (await report('volume')).body.totals;
    const w = t.api.context.warehouse;
    // as if the process had died between the table's insert and its view's, twice over
    await w.command(
      `INSERT INTO ${w.table('messages_15m')} SELECT account_id, phone_number_id, bucket, direction, source, 5, 0, contacts FROM ${w.table('messages_15m')} WHERE phone_number_id = '${NUMBER}' LIMIT 1`,
    );
    expect((await report('volume')).body.totals.messages).toBe(before.messages + 5);
    const account = (await t.api.context.numbers.get(NUMBER))!.accountId;
    expect(await t.api.refresher.reconcileCounts(account, NUMBER)).toBe(-5);
    expect((await report('volume')).body.totals).toEqual(before);
    expect(await t.api.refresher.reconcileCounts(account, NUMBER)).toBe(0);
  });

  it('counts a retried ingest job’s messages once, whatever a crash left in the view', async () => {
    const job = {
      type: 'webhook' as const,
      receivedAt: Date.now(),
      sha256: 'retried-job',
      body: envelope('messages', {
        messages: [
          {
            from: A,
            id: 'wamid.RETRIED',
            timestamp: at('2026-03-04T09:00:00Z'),
            type: 'text',
            text: { body: 'once' },
          },
        ],
      }),
    };
    const before = (await report('volume')).body.totals.messages;
    await t.api.processor.process(job);
    expect((await report('volume')).body.totals.messages).toBe(before + 1);
    // killed before completing: meanwhile a rebuild's reconciliation filled a view part the crash
    // had lost, and the retry's insert gives it to the view again (ClickHouse refills what a view
    // missed by the block's token): the message counted twice
    const w = t.api.context.warehouse;
    await w.command(
      `INSERT INTO ${w.table('messages_15m')} SELECT account_id, phone_number_id, bucket, direction, source, 1, 0, contacts FROM ${w.table('messages_15m')} WHERE phone_number_id = '${NUMBER}' LIMIT 1`,
      { insert_deduplicate: 0 },
    );
    expect((await report('volume')).body.totals.messages).toBe(before + 2);
    await t.api.processor.process(job, { retried: true });
    expect((await report('volume')).body.totals.messages).toBe(before + 1);
  });

  it('refuses bad ranges, unknown reports and other accounts', async () => {
    expect((await report('volume', 'from=2026-03-05&to=2026-03-01')).status).toBe(400);
    const bad = await report('volume', 'from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^from:/);
    expect((await report('volume', 'from=2024-01-01&to=2026-03-01')).status).toBe(400);
    expect((await report('volume', 'granularity=week')).status).toBe(400);
    const unknown = await report('funnel');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_report');
    for (const name of [
      'volume',
      'heatmap',
      'conversations',
      'conversations.csv',
      'response-times',
      'contacts',
      'sources',
      'templates',
      'history',
    ]) {
      const other = await report(name, '', otherKey);
      expect(other.status, name).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain('wamid');
    }
    expect((await t.call(otherKey, 'GET', `/v1/numbers/${NUMBER}/contacts`)).status).toBe(404);
  });
});
