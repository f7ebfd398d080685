import { z } from 'zod';
import { defineQuery } from '../clickhouse/warehouse.js';

/** Parameters every report takes: the number, its time zone and the UTC range. */
const scope = {
  account_id: z.string(),
  phone_number_id: z.string(),
  tz: z.string(),
  from: z.string(),
  to: z.string(),
};
const scoped = z.object(scope);
const derived = z.object({ ...scope, generation: z.number().int() });

const n = z.coerce.number();

/**
 * Message counts come from `messages_15m` (quarter hours, filled by a materialized view): every
 * local day, hour and weekday is an exact sum of its buckets, in any time zone.
 */
const BUCKETS_IN_RANGE = `account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  AND bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')}`;

/** Messages of the number in the range, each counted once (a replaced placeholder is one message). */
const MESSAGES_IN_RANGE = `account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  AND is_upgrade = 0 AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}`;

const COUNTS = `sumIf(messages, direction = 'inbound') AS inbound, sumIf(messages, direction = 'outbound') AS outbound,
  sumIf(messages, source = 'history') AS history, sumIf(messages, source = 'echo') AS echo,
  sumIf(messages, source = 'live') AS live, sumIf(messages, source = 'api') AS api`;
const countsRow = { inbound: n, outbound: n, history: n, echo: n, live: n, api: n };

export const volumeByDay = defineQuery({
  name: 'volume_by_day',
  sql: `SELECT toString(toDate(bucket, {tz:String})) AS day, ${COUNTS}
        FROM {db}.messages_15m WHERE ${BUCKETS_IN_RANGE} GROUP BY day ORDER BY day`,
  params: scoped,
  row: z
    .object({ day: z.string(), ...countsRow })
    .transform(({ day, ...counts }) => ({ bucket: day, ...counts })),
});

export const volumeByHour = defineQuery({
  name: 'volume_by_hour',
  sql: `SELECT formatDateTime(toStartOfHour(bucket, {tz:String}), '%Y-%m-%dT%H:00', {tz:String}) AS hour, ${COUNTS}
        FROM {db}.messages_15m WHERE ${BUCKETS_IN_RANGE} GROUP BY hour ORDER BY hour`,
  params: scoped,
  row: z
    .object({ hour: z.string(), ...countsRow })
    .transform(({ hour, ...counts }) => ({ bucket: hour, ...counts })),
});

export const heatmap = defineQuery({
  name: 'heatmap',
  sql: `SELECT toDayOfWeek(bucket, 0, {tz:String}) AS weekday, toHour(bucket, {tz:String}) AS hour, sum(messages) AS total,
          sumIf(messages, direction = 'inbound') AS inbound, sumIf(messages, direction = 'outbound') AS outbound
        FROM {db}.messages_15m WHERE ${BUCKETS_IN_RANGE} GROUP BY weekday, hour`,
  params: scoped,
  row: z
    .object({ weekday: n, hour: n, total: n, inbound: n, outbound: n })
    .transform(({ total, ...cell }) => ({ ...cell, messages: total })),
});

export const outboundSources = defineQuery({
  name: 'outbound_sources',
  sql: `SELECT toString(toDate(bucket, {tz:String})) AS day, sumIf(messages, source IN ('echo', 'history')) AS phone_app,
          sumIf(messages, source = 'api') AS api
        FROM {db}.messages_15m WHERE ${BUCKETS_IN_RANGE} AND direction = 'outbound' GROUP BY day ORDER BY day`,
  params: scoped,
  row: z
    .object({ day: z.string(), phone_app: n, api: n })
    .transform(({ day, ...r }) => ({ bucket: day, ...r })),
});

const CONVERSATIONS_IN_RANGE = `account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  AND generation = {generation:UInt32} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}`;

export const conversationTotals = defineQuery({
  name: 'conversation_totals',
  sql: `SELECT count() AS total, countIf(started_by = 'customer') AS by_customer, countIf(started_by = 'business') AS by_business,
          avg(messages) AS average_messages, quantileExact(0.5)(dateDiff('second', started_at, ended_at)) AS median_duration
        FROM {db}.conversations WHERE ${CONVERSATIONS_IN_RANGE}`,
  params: derived,
  row: z.object({ total: n, by_customer: n, by_business: n, average_messages: n, median_duration: n }),
});

export const conversationsByDay = defineQuery({
  name: 'conversations_by_day',
  sql: `SELECT toString(day) AS day, count() AS conversations,
          countIf(started_by = 'customer') AS by_customer, countIf(started_by = 'business') AS by_business
        FROM {db}.conversations WHERE ${CONVERSATIONS_IN_RANGE} GROUP BY day ORDER BY day`,
  params: derived,
  row: z.object({ day: z.string(), conversations: n, by_customer: n, by_business: n }),
});

const conversationRow = z.object({
  contact: z.string(),
  contact_name: z.string(),
  started_at: z.string(),
  ended_at: z.string(),
  messages: n,
  inbound: n,
  outbound: n,
  started_by: z.string(),
  first_response_s: n,
  first_responder: z.string(),
});

/** Contact names: what the business saved in its phone, else the user's WhatsApp profile name. */
const NAMES = `(SELECT contact_key, argMax(name, (origin = 'state_sync', updated_at)) AS contact_name
   FROM {db}.contacts FINAL
   WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND name != ''
   GROUP BY contact_key)`;

const CONVERSATION_COLUMNS = `c.contact_key AS contact, ifNull(names.contact_name, '') AS contact_name,
  started_at AS started_at,
  ended_at AS ended_at,
  messages, inbound, outbound, toString(started_by) AS started_by, first_response_s, first_responder`;

export const recentConversations = defineQuery({
  name: 'recent_conversations',
  sql: `SELECT ${CONVERSATION_COLUMNS}
        FROM (SELECT * FROM {db}.conversations WHERE ${CONVERSATIONS_IN_RANGE} ORDER BY started_at DESC LIMIT {limit:UInt32}) AS c
        LEFT JOIN ${NAMES} AS names ON names.contact_key = c.contact_key
        ORDER BY c.started_at DESC`,
  params: derived.extend({ limit: z.number().int().min(1).max(1_000_000) }),
  row: conversationRow,
});

export const allConversations = defineQuery({
  name: 'all_conversations',
  sql: `SELECT ${CONVERSATION_COLUMNS}
        FROM (SELECT * FROM {db}.conversations WHERE ${CONVERSATIONS_IN_RANGE}) AS c
        LEFT JOIN ${NAMES} AS names ON names.contact_key = c.contact_key
        ORDER BY c.started_at`,
  params: derived,
  row: conversationRow,
});

const RESPONSES_IN_RANGE = `account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  AND generation = {generation:UInt32} AND answered_at >= {from:DateTime64(3, 'UTC')} AND answered_at < {to:DateTime64(3, 'UTC')}`;

export const RESPONSE_BUCKETS = ['<1m', '1-5m', '5-15m', '15-60m', '1-4h', '4-24h', '>24h'] as const;

const BUCKET_BOUNDS = [60, 300, 900, 3600, 14_400, 86_400] as const;

/**
 * One pass over the responses for everything but the trend: all responses, first responses and
 * per responder (GROUPING SETS), each with exact quantiles and its count per bucket.
 */
export const responseGroups = defineQuery({
  name: 'response_groups',
  sql: `SELECT grouping(is_first, responder) AS kind, is_first, responder, count() AS count,
          quantilesExact(0.5, 0.9)(response_s) AS q,
          [${BUCKET_BOUNDS.map((bound, i) => (i === 0 ? `countIf(response_s < ${bound})` : `countIf(response_s >= ${BUCKET_BOUNDS[i - 1]} AND response_s < ${bound})`)).join(', ')}, countIf(response_s >= ${BUCKET_BOUNDS[BUCKET_BOUNDS.length - 1]})] AS buckets
        FROM {db}.responses WHERE ${RESPONSES_IN_RANGE}
        GROUP BY GROUPING SETS ((), (is_first), (responder))`,
  params: derived,
  row: z.object({
    kind: n,
    is_first: n,
    responder: z.string(),
    count: n,
    q: z.array(n),
    buckets: z.array(n),
  }),
});

export const responseTrend = defineQuery({
  name: 'response_trend',
  sql: `SELECT toString(day) AS date, first_median_s AS first_median, first_responses AS first_count, median_s AS median, responses
        FROM {db}.response_days
        WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND generation = {generation:UInt32}
          AND day >= toDate({from:DateTime64(3, 'UTC')}, {tz:String}) AND day < toDate({to:DateTime64(3, 'UTC')}, {tz:String})
        ORDER BY day`,
  params: derived,
  row: z
    .object({ date: z.string(), first_median: n, first_count: n, median: n, responses: n })
    .transform(({ date, ...r }) => ({ day: date, ...r })),
});

/** Per local day and contact (`contact_days`, built with the conversations). */
const CONTACT_DAYS_IN_RANGE = `account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  AND generation = {generation:UInt32} AND day >= toDate({from:DateTime64(3, 'UTC')}, {tz:String})
  AND day < toDate({to:DateTime64(3, 'UTC')}, {tz:String})`;

export const contactTotals = defineQuery({
  name: 'contact_totals',
  sql: `SELECT
          (SELECT uniqExactIf(contact_key, day >= toDate({from:DateTime64(3, 'UTC')}, {tz:String}) AND day < toDate({to:DateTime64(3, 'UTC')}, {tz:String}))
             FROM {db}.contact_days
             WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND generation = {generation:UInt32}) AS active,
          (SELECT countIf(first_day = 1) FROM {db}.contact_days
             WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND generation = {generation:UInt32}) AS messaged,
          (SELECT uniqExact(contact_key) FROM {db}.contacts FINAL
             WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND removed = 0) AS synced`,
  params: derived,
  row: z.object({ active: n, messaged: n, synced: n }),
});

/** Every day of the range: contacts active that day, and contacts whose first day it was. */
export const contactsByDay = defineQuery({
  name: 'contacts_by_day',
  sql: `SELECT toString(day) AS date, count() AS active_contacts, countIf(first_day = 1) AS new_contacts
        FROM {db}.contact_days WHERE ${CONTACT_DAYS_IN_RANGE}
        GROUP BY day ORDER BY day`,
  params: derived,
  row: z
    .object({ date: z.string(), active_contacts: n, new_contacts: n })
    .transform(({ date, ...r }) => ({ day: date, ...r })),
});

export const mostActiveContacts = defineQuery({
  name: 'most_active_contacts',
  sql: `SELECT c.contact AS contact, ifNull(names.contact_name, '') AS name, c.messages AS messages, c.inbound AS inbound,
          c.outbound AS outbound, c.last_at AS last_message_at
        FROM (SELECT contact_key AS contact, sum(messages) AS messages, sum(inbound) AS inbound, sum(outbound) AS outbound, max(last_at) AS last_at
              FROM {db}.contact_days WHERE ${CONTACT_DAYS_IN_RANGE}
              GROUP BY contact_key ORDER BY messages DESC, contact LIMIT {limit:UInt32}) AS c
        LEFT JOIN ${NAMES} AS names ON names.contact_key = c.contact
        ORDER BY messages DESC, contact`,
  params: derived.extend({ limit: z.number().int().min(1).max(1000) }),
  row: z.object({
    contact: z.string(),
    name: z.string(),
    messages: n,
    inbound: n,
    outbound: n,
    last_message_at: z.string(),
  }),
});

/**
 * The template funnel of our sends: accepted by Meta (a wamid), then delivered and read from the
 * status webhooks (read implies delivered), and failures, before or after Meta accepted.
 */
export const templateFunnel = defineQuery({
  name: 'template_funnel',
  sql: `WITH sends AS (
          SELECT wamid, template_name, template_language FROM {db}.messages
          WHERE ${MESSAGES_IN_RANGE} AND source = 'api' AND template_name != ''
        ),
        reached AS (
          SELECT wamid, max(status = 'delivered' OR status = 'read') AS delivered, max(status = 'read') AS read,
                 max(status = 'failed') AS failed
          FROM {db}.statuses
          WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND wamid IN (SELECT wamid FROM sends)
          GROUP BY wamid
        )
        SELECT s.template_name AS name, s.template_language AS language, count() AS sent,
               countIf(r.delivered = 1) AS delivered, countIf(r.read = 1) AS read, countIf(r.failed = 1) AS failed_after
        FROM sends AS s LEFT JOIN reached AS r ON r.wamid = s.wamid
        GROUP BY name, language ORDER BY sent DESC, name`,
  params: scoped,
  row: z.object({ name: z.string(), language: z.string(), sent: n, delivered: n, read: n, failed_after: n }),
});

export const templateFailures = defineQuery({
  name: 'template_failures',
  sql: `SELECT if(st.template_name != '', st.template_name, m.template_name) AS name,
               if(st.template_language != '', st.template_language, m.template_language) AS language,
               if(st.error_code != 0, toString(st.error_code), st.error_reason) AS code, any(st.error_title) AS title, count() AS count
        FROM (SELECT * FROM {db}.statuses
              WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND status = 'failed'
                AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}) AS st
        LEFT JOIN (SELECT wamid, template_name, template_language FROM {db}.messages
                   WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND source = 'api') AS m
          ON m.wamid = st.wamid
        WHERE name != ''
        GROUP BY name, language, code ORDER BY count DESC`,
  params: scoped,
  row: z.object({ name: z.string(), language: z.string(), code: z.string(), title: z.string(), count: n }),
});

export const historyChunks = defineQuery({
  name: 'history_chunks',
  sql: `SELECT phase, chunk_order, progress, message_count AS messages,
          received_at AS received_at
        FROM {db}.history_chunks FINAL
        WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
        ORDER BY phase, chunk_order`,
  params: z.object({ account_id: z.string(), phone_number_id: z.string() }),
  row: z.object({ phase: n, chunk_order: n, progress: n, messages: n, received_at: z.string() }),
});

export const historyByMonth = defineQuery({
  name: 'history_by_month',
  sql: `SELECT formatDateTime(toStartOfMonth(bucket, {tz:String}), '%Y-%m', {tz:String}) AS month, sum(messages) AS total,
          sumIf(messages, direction = 'inbound') AS inbound, sumIf(messages, direction = 'outbound') AS outbound
        FROM {db}.messages_15m WHERE ${BUCKETS_IN_RANGE} AND source = 'history' GROUP BY month ORDER BY month`,
  params: scoped,
  row: z
    .object({ month: z.string(), total: n, inbound: n, outbound: n })
    .transform(({ month, total, ...r }) => ({ month, messages: total, ...r })),
});

export const contactList = defineQuery({
  name: 'contact_list',
  sql: `SELECT contact, max(wa_id) AS wa_id, max(name) AS name, max(last_at) AS last, sum(messages) AS messages
        FROM (
          SELECT contact_key AS contact, contact_wa_id AS wa_id, '' AS name, ended_at AS last_at, messages
          FROM {db}.conversations
          WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND generation = {generation:UInt32}
          UNION ALL
          SELECT contact_key, wa_id, name, toDateTime64(0, 3, 'UTC'), 0
          FROM {db}.contacts FINAL
          WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND removed = 0
        )
        GROUP BY contact
        HAVING {search:String} = '' OR positionCaseInsensitiveUTF8(contact, {search:String}) > 0
          OR positionCaseInsensitiveUTF8(name, {search:String}) > 0
        ORDER BY last DESC, contact LIMIT {limit:UInt32}`,
  params: z.object({
    account_id: z.string(),
    phone_number_id: z.string(),
    generation: z.number().int(),
    search: z.string(),
    limit: z.number().int().min(1).max(500),
  }),
  row: z.object({ contact: z.string(), wa_id: z.string(), name: z.string(), last: z.string(), messages: n }),
});
