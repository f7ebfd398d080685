import { phoneDigits } from '@coexist/core';
import type { NumberRecord } from '@coexist/storage';
import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { chTime } from '../ingest/rows.js';
import { ownNumber } from '../numbers/routes.js';
import * as q from './queries.js';
import { type DateRange, localDate, localDays, parseRange } from './range.js';
import type { AnalyticsRefresher } from './refresher.js';

const iso = (ms: number) => new Date(ms).toISOString();
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Scope {
  query: Record<string, unknown>;
  number: NumberRecord;
  timezone: string;
  range: DateRange;
  params: { account_id: string; phone_number_id: string; tz: string; from: string; to: string };
}

function fillDays<T extends { bucket: string }>(
  rows: T[],
  range: DateRange,
  tz: string,
  empty: (bucket: string) => T,
) {
  const byDay = new Map(rows.map((row) => [row.bucket, row]));
  return localDays(range, tz).map((day) => byDay.get(day) ?? empty(day));
}

const CSV_COLUMNS = [
  'contact',
  'contact_name',
  'started_at',
  'ended_at',
  'messages',
  'inbound',
  'outbound',
  'started_by',
  'first_response_seconds',
  'first_responder',
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // a leading = + - @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const REPORTS = [
  'volume',
  'heatmap',
  'conversations',
  'conversations.csv',
  'response-times',
  'contacts',
  'sources',
  'templates',
  'history',
] as const;

/** Reports read from the per-number tables the refresher rebuilds behind ingest. */
const DERIVED_REPORTS = new Set(['conversations', 'response-times', 'contacts']);

/** The analytics reports (docs/analytics.md) and the contact lookups the composer uses. */
export function analyticsRoutes(context: ApiContext, refresher: AnalyticsRefresher): Router {
  const router = Router();
  const { warehouse } = context;

  async function scope(req: Parameters<typeof ownNumber>[1]): Promise<Scope> {
    const number = await ownNumber(context, req);
    const timezone = number.timezone ?? 'UTC';
    const range = parseRange(req.query, timezone);
    return {
      query: req.query as Record<string, unknown>,
      number,
      timezone,
      range,
      params: {
        account_id: number.accountId,
        phone_number_id: number.phoneNumberId,
        tz: timezone,
        from: chTime(range.from),
        to: chTime(range.to),
      },
    };
  }

  /** The derived tables' generation; a number never built (or built in another zone) is built now. */
  function generation(number: NumberRecord): Promise<number> {
    return refresher.current(number.accountId, number.phoneNumberId, number.timezone ?? 'UTC');
  }

  const reports: Record<string, (s: Scope) => Promise<Record<string, unknown>>> = {
    async volume(s) {
      const granularity = s.query.granularity ?? 'day';
      if (granularity !== 'day' && granularity !== 'hour') {
        throw new AppError('invalid_request', {
          status: 400,
          message: `granularity: expected "day" or "hour", got ${JSON.stringify(granularity)}.`,
          details: { fields: [{ field: 'granularity', message: 'day or hour' }] },
        });
      }
      const empty = (bucket: string) => ({
        bucket,
        inbound: 0,
        outbound: 0,
        history: 0,
        echo: 0,
        live: 0,
        api: 0,
      });
      const series =
        granularity === 'hour'
          ? await warehouse.query(q.volumeByHour, s.params)
          : fillDays(await warehouse.query(q.volumeByDay, s.params), s.range, s.timezone, empty);
      return { granularity, series, totals: totals(series) };
    },
    async heatmap(s) {
      const rows = await warehouse.query(q.heatmap, s.params);
      const byCell = new Map(rows.map((r) => [`${r.weekday}:${r.hour}`, r]));
      const cells = [];
      for (let weekday = 1; weekday <= 7; weekday++) {
        for (let hour = 0; hour < 24; hour++) {
          cells.push(
            byCell.get(`${weekday}:${hour}`) ?? { weekday, hour, messages: 0, inbound: 0, outbound: 0 },
          );
        }
      }
      return { cells, max: Math.max(0, ...cells.map((c) => c.messages)) };
    },
    async conversations(s) {
      const params = { ...s.params, generation: await generation(s.number) };
      const [[t], days, recent] = await Promise.all([
        warehouse.query(q.conversationTotals, params),
        warehouse.query(q.conversationsByDay, params),
        warehouse.query(q.recentConversations, { ...params, limit: 50 }),
      ]);
      const total = t?.total ?? 0;
      const byDay = new Map(days.map((d) => [d.day, d]));
      return {
        total,
        started_by_customer: t?.by_customer ?? 0,
        started_by_business: t?.by_business ?? 0,
        average_messages: total > 0 ? round(t?.average_messages ?? 0) : null,
        median_duration_seconds: total > 0 ? round(t?.median_duration ?? 0) : null,
        per_day: localDays(s.range, s.timezone).map((day) => {
          const d = byDay.get(day);
          return {
            day,
            conversations: d?.conversations ?? 0,
            started_by_customer: d?.by_customer ?? 0,
            started_by_business: d?.by_business ?? 0,
          };
        }),
        recent: recent.map(conversationJson),
      };
    },
    async 'response-times'(s) {
      const params = { ...s.params, generation: await generation(s.number) };
      const [groups, trend] = await Promise.all([
        warehouse.query(q.responseGroups, params),
        warehouse.query(q.responseTrend, params),
      ]);
      // grouping(is_first, responder): 3 = all, 1 = by is_first, 2 = by responder
      const of = (kind: number, match: (g: (typeof groups)[number]) => boolean = () => true) =>
        groups.filter((g) => g.kind === kind && match(g));
      const summary = (group: (typeof groups)[number] | undefined) => ({
        count: group?.count ?? 0,
        median_seconds: group && group.count > 0 ? round(group.q[0] ?? 0) : null,
        p90_seconds: group && group.count > 0 ? round(group.q[1] ?? 0) : null,
      });
      const byDay = new Map(trend.map((t) => [t.day, t]));
      const all = of(3)[0];
      const first = of(1, (g) => g.is_first === 1)[0];
      return {
        first_response: summary(first),
        response: summary(all),
        buckets: q.RESPONSE_BUCKETS.map((bucket, i) => ({
          bucket,
          first_response: first?.buckets[i] ?? 0,
          response: all?.buckets[i] ?? 0,
        })),
        trend: localDays(s.range, s.timezone).map((day) => {
          const t = byDay.get(day);
          return {
            day,
            first_response_median_seconds: t && t.first_count > 0 ? round(t.first_median) : null,
            response_median_seconds: t && t.responses > 0 ? round(t.median) : null,
            responses: t?.responses ?? 0,
          };
        }),
        by_responder: of(2)
          .filter((g) => g.count > 0)
          .sort((a, b) => a.responder.localeCompare(b.responder))
          .map((g) => ({ responder: g.responder, ...summary(g) })),
      };
    },
    async contacts(s) {
      const params = { ...s.params, generation: await generation(s.number) };
      const [[t], days, top, optedOut] = await Promise.all([
        warehouse.query(q.contactTotals, params),
        warehouse.query(q.contactsByDay, params),
        warehouse.query(q.mostActiveContacts, { ...params, limit: 20 }),
        context.contacts.optOutCount(s.number.phoneNumberId),
      ]);
      const byDay = new Map(days.map((d) => [d.day, d]));
      return {
        total: t?.active ?? 0,
        known: Math.max(t?.synced ?? 0, t?.messaged ?? 0),
        new: days.reduce((sum, d) => sum + d.new_contacts, 0),
        opted_out: optedOut,
        per_day: localDays(s.range, s.timezone).map((day) => ({
          day,
          new_contacts: byDay.get(day)?.new_contacts ?? 0,
          active_contacts: byDay.get(day)?.active_contacts ?? 0,
        })),
        most_active: top.map((c) => ({ ...c, name: c.name || null })),
      };
    },
    async sources(s) {
      const rows = await warehouse.query(q.outboundSources, s.params);
      const series = fillDays(rows, s.range, s.timezone, (bucket) => ({ bucket, phone_app: 0, api: 0 })).map(
        (r) => ({
          ...r,
          api_share: r.phone_app + r.api > 0 ? round(r.api / (r.phone_app + r.api), 4) : null,
        }),
      );
      const phoneApp = series.reduce((sum, r) => sum + r.phone_app, 0);
      const api = series.reduce((sum, r) => sum + r.api, 0);
      return {
        series,
        totals: {
          phone_app: phoneApp,
          api,
          api_share: phoneApp + api > 0 ? round(api / (phoneApp + api), 4) : null,
        },
      };
    },
    async templates(s) {
      const [funnel, failures] = await Promise.all([
        warehouse.query(q.templateFunnel, s.params),
        warehouse.query(q.templateFailures, s.params),
      ]);
      const key = (name: string, language: string) => `${name}\u0000${language}`;
      const byTemplate = new Map<string, ReturnType<typeof templateJson>>();
      for (const f of funnel)
        byTemplate.set(
          key(f.name, f.language),
          templateJson(f.name, f.language, f.sent, f.delivered, f.read),
        );
      for (const failure of failures) {
        const k = key(failure.name, failure.language);
        const t = byTemplate.get(k) ?? templateJson(failure.name, failure.language, 0, 0, 0);
        t.failed += failure.count;
        t.failures.push({ code: failure.code, title: failure.title, count: failure.count });
        byTemplate.set(k, t);
      }
      return {
        templates: [...byTemplate.values()].sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name)),
      };
    },
    async history(s) {
      const [sync, chunks, months] = await Promise.all([
        context.sync.get(s.number.phoneNumberId),
        warehouse.query(q.historyChunks, {
          account_id: s.params.account_id,
          phone_number_id: s.params.phone_number_id,
        }),
        warehouse.query(q.historyByMonth, s.params),
      ]);
      const phases = [0, 1, 2].map((phase) => {
        const of = chunks.filter((c) => c.phase === phase);
        return { phase, chunks: of.length, messages: of.reduce((sum, c) => sum + c.messages, 0) };
      });
      const h = sync.history;
      return {
        sync: {
          state: h.state,
          shared: s.number.shareHistory,
          phase: h.phase,
          progress: h.progress,
          chunks_received: h.chunksReceived,
          messages_received: h.messagesReceived,
          started_at: h.startedAt === null ? null : iso(h.startedAt),
          finished_at: h.finishedAt === null ? null : iso(h.finishedAt),
        },
        phases,
        by_month: months,
        chunks,
      };
    },
  };

  router.get('/:phone_number_id/analytics/conversations.csv', async (req, res) => {
    const s = await scope(req);
    const rows = await warehouse.query(q.allConversations, {
      ...s.params,
      generation: await generation(s.number),
    });
    const lines = [CSV_COLUMNS.join(',')];
    for (const row of rows.map(conversationJson)) {
      lines.push(
        [
          row.contact,
          row.contact_name ?? '',
          row.started_at,
          row.ended_at,
          row.messages,
          row.inbound,
          row.outbound,
          row.started_by,
          row.first_response_seconds ?? '',
          row.first_responder ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    }
    const day = (ms: number) => localDate(ms, s.timezone);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`conversations-${s.number.phoneNumberId}-${day(s.range.from)}-${day(s.range.to - 1)}.csv`)
      .send(`${lines.join('\r\n')}\r\n`);
  });

  router.get('/:phone_number_id/analytics/:report', async (req, res) => {
    const name = req.params.report as string;
    const report = reports[name];
    if (!report || !Object.hasOwn(reports, name)) {
      throw new AppError('unknown_report', {
        status: 404,
        message: `There is no report "${name}". Reports: ${REPORTS.join(', ')}.`,
        details: { reports: REPORTS },
      });
    }
    const s = await scope(req);
    const [body, updating] = await Promise.all([
      report(s),
      DERIVED_REPORTS.has(name) ? refresher.pending(s.number.accountId, s.number.phoneNumberId) : null,
    ]);
    res.json({
      report: name,
      phone_number_id: s.number.phoneNumberId,
      timezone: s.timezone,
      from: iso(s.range.from),
      to: iso(s.range.to),
      ...(updating === null ? {} : { updating }),
      ...body,
    });
  });

  router.get('/:phone_number_id/contacts', async (req, res) => {
    const number = await ownNumber(context, req);
    const search = typeof req.query.search === 'string' ? req.query.search.trim().slice(0, 100) : '';
    const limitRaw = Number(req.query.limit ?? 50);
    const limit = Number.isInteger(limitRaw) && limitRaw >= 1 && limitRaw <= 500 ? limitRaw : 50;
    const rows = await warehouse.query(q.contactList, {
      account_id: number.accountId,
      phone_number_id: number.phoneNumberId,
      generation: await generation(number),
      search,
      limit,
    });
    res.json({
      data: rows.map((r) => ({
        contact: r.contact,
        wa_id: r.wa_id || null,
        name: r.name || null,
        last_message_at: r.last.startsWith('1970-') ? null : r.last,
        messages: r.messages,
      })),
    });
  });

  router.get('/:phone_number_id/contacts/:contact', async (req, res) => {
    const number = await ownNumber(context, req);
    const raw = req.params.contact as string;
    const waId = phoneDigits(raw);
    const ids = { waId: waId || null, userId: waId ? null : raw };
    const [window, optedOut] = await Promise.all([
      context.contacts.window(number.phoneNumberId, ids),
      context.contacts.optedOut(number.phoneNumberId, ids),
    ]);
    const [named] = await warehouse.query(q.contactList, {
      account_id: number.accountId,
      phone_number_id: number.phoneNumberId,
      generation: await generation(number),
      search: waId || raw,
      limit: 1,
    });
    res.json({
      contact: waId || raw,
      wa_id: waId || null,
      name: named && (named.contact === waId || named.contact === raw) ? named.name || null : null,
      window: {
        open: window.open,
        last_inbound_at: window.lastInboundAt === null ? null : iso(window.lastInboundAt),
        closes_at: window.closesAt === null ? null : iso(window.closesAt),
      },
      opted_out: optedOut ? { at: iso(optedOut.at), reason: optedOut.reason } : null,
    });
  });

  return router;
}

function totals(
  series: Array<{
    inbound: number;
    outbound: number;
    history: number;
    echo: number;
    live: number;
    api: number;
  }>,
) {
  const sum = (key: 'inbound' | 'outbound' | 'history' | 'echo' | 'live' | 'api') =>
    series.reduce((total, row) => total + row[key], 0);
  const inbound = sum('inbound');
  const outbound = sum('outbound');
  return {
    inbound,
    outbound,
    history: sum('history'),
    echo: sum('echo'),
    live: sum('live'),
    api: sum('api'),
    messages: inbound + outbound,
  };
}

function conversationJson(row: {
  contact: string;
  contact_name: string;
  started_at: string;
  ended_at: string;
  messages: number;
  inbound: number;
  outbound: number;
  started_by: string;
  first_response_s: number;
  first_responder: string;
}) {
  return {
    contact: row.contact,
    contact_name: row.contact_name || null,
    started_at: row.started_at,
    ended_at: row.ended_at,
    messages: row.messages,
    inbound: row.inbound,
    outbound: row.outbound,
    started_by: row.started_by,
    first_response_seconds: row.first_response_s >= 0 ? round(row.first_response_s) : null,
    first_responder: row.first_responder || null,
  };
}

function templateJson(name: string, language: string, sent: number, delivered: number, read: number) {
  return {
    name,
    language,
    sent,
    delivered,
    read,
    failed: 0,
    delivered_rate: sent > 0 ? round(delivered / sent, 4) : null,
    read_rate: sent > 0 ? round(read / sent, 4) : null,
    failures: [] as Array<{ code: string; title: string; count: number }>,
  };
}
