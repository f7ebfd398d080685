import type { Warehouse } from './warehouse.js';

/** Where the DDL runs: one node (embedded chDB or a server) or a cluster. */
export interface SchemaTarget {
  database: string;
  cluster: string | null;
}

export interface TableSpec {
  name: string;
  columns: string[];
  /** MergeTree family member without `Replicated`, e.g. `ReplacingMergeTree(version)` */
  engine: string;
  orderBy: string;
  partitionBy?: string;
  ttl?: string;
  settings?: string[];
  /** cluster mode: how rows spread over shards */
  shardingKey?: string;
}

/**
 * One node: a plain MergeTree table. A cluster: a Replicated table on every node (`<name>_local`)
 * and a Distributed table under the public name, so queries and inserts read the same either way.
 */
export function createTableSql(target: SchemaTarget, spec: TableSpec): string[] {
  const db = target.database;
  const body = (engine: string) =>
    [
      `(\n  ${spec.columns.join(',\n  ')}\n)`,
      `ENGINE = ${engine}`,
      spec.partitionBy ? `PARTITION BY ${spec.partitionBy}` : '',
      `ORDER BY ${spec.orderBy}`,
      spec.ttl ? `TTL ${spec.ttl}` : '',
      spec.settings?.length ? `SETTINGS ${spec.settings.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n');

  if (!target.cluster) return [`CREATE TABLE IF NOT EXISTS ${db}.${spec.name}\n${body(spec.engine)}`];

  const open = spec.engine.indexOf('(');
  const family = open === -1 ? spec.engine : spec.engine.slice(0, open);
  const args = open === -1 ? '' : spec.engine.slice(open + 1, -1).trim();
  const local = `${spec.name}_local`;
  const zkPath = `'/clickhouse/tables/{shard}/${db}/${local}', '{replica}'`;
  const replicated = `Replicated${family}(${zkPath}${args ? `, ${args}` : ''})`;
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${local} ON CLUSTER '${target.cluster}'\n${body(replicated)}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${spec.name} ON CLUSTER '${target.cluster}' AS ${db}.${local}\nENGINE = Distributed('${target.cluster}', ${db}, ${local}, ${spec.shardingKey ?? 'rand()'})`,
  ];
}

export interface Migration {
  id: number;
  name: string;
  statements: (target: SchemaTarget) => string[];
}

const SHARD_BY_NUMBER = 'cityHash64(account_id, phone_number_id)';

/**
 * Ordered, append-only. A deployed migration is never edited: add a new one. Engines and keys
 * follow what PostHog, Plausible, Umami and Langfuse learnt: monthly partitions, account- and
 * number-first sort keys, LowCardinality dimensions, ReplacingMergeTree behind upstream dedupe.
 */
export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'messages, statuses, contacts, history chunks, audit and account events, raw webhooks',
    statements: (t) => [
      ...createTableSql(t, {
        name: 'messages',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'wamid String',
          'contact_key String',
          'contact_wa_id String',
          "direction Enum8('inbound' = 1, 'outbound' = 2)",
          "source Enum8('history' = 1, 'echo' = 2, 'live' = 3, 'api' = 4)",
          'type LowCardinality(String)',
          "ts DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1))",
          'text_len UInt32',
          'has_media UInt8',
          // a 131060 or media placeholder; a later row with the same wamid replaces it
          'is_placeholder UInt8',
          // the row replacing a placeholder: counts skip it so a message is counted once
          'is_upgrade UInt8',
          'history_phase Int8',
          'history_status LowCardinality(String)',
          'context_wamid String',
          'target_wamid String',
          // ours, for API sends
          'message_id String',
          'template_name LowCardinality(String)',
          'template_language LowCardinality(String)',
          'version UInt64',
          "ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)",
        ],
        engine: 'ReplacingMergeTree(version)',
        partitionBy: 'toYYYYMM(ts)',
        // wamid in the key makes "is this message already stored" a primary-key lookup and makes
        // the replacing engine an exact backstop. `is_upgrade` keeps a placeholder and the message
        // that replaced it apart, so `WHERE is_upgrade = 0` counts every message once, merged or not.
        orderBy: '(account_id, phone_number_id, wamid, is_upgrade)',
        settings: ['non_replicated_deduplication_window = 10000'],
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'statuses',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'wamid String',
          'message_id String',
          "status Enum8('sent' = 1, 'delivered' = 2, 'read' = 3, 'played' = 4, 'failed' = 5)",
          "ts DateTime64(3, 'UTC')",
          'recipient_key String',
          'error_code Int32',
          'error_title String',
          'pricing_category LowCardinality(String)',
          'pricing_type LowCardinality(String)',
          "ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)",
        ],
        engine: 'ReplacingMergeTree(ingested_at)',
        partitionBy: 'toYYYYMM(ts)',
        orderBy: '(account_id, phone_number_id, wamid, status)',
        settings: ['non_replicated_deduplication_window = 10000'],
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'contacts',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'contact_key String',
          "origin Enum8('state_sync' = 1, 'message' = 2)",
          'wa_id String',
          'user_id String',
          'name String',
          'first_name String',
          'username String',
          'removed UInt8',
          "updated_at DateTime64(3, 'UTC')",
        ],
        engine: 'ReplacingMergeTree(updated_at)',
        // one row per contact and origin: the business's saved name and the user's profile name live side by side
        orderBy: '(account_id, phone_number_id, contact_key, origin)',
        settings: ['non_replicated_deduplication_window = 10000'],
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'history_chunks',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'phase Int8',
          'chunk_order Int32',
          'progress UInt8',
          'thread_count UInt32',
          'message_count UInt32',
          'skipped_count UInt32',
          "received_at DateTime64(3, 'UTC')",
        ],
        engine: 'ReplacingMergeTree(received_at)',
        orderBy: '(account_id, phone_number_id, phase, chunk_order)',
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'audit_events',
        columns: [
          'account_id LowCardinality(String)',
          'binding_id String',
          'event_id String',
          'phone_number_id String',
          'event LowCardinality(String)',
          'from_status LowCardinality(String)',
          'to_status LowCardinality(String)',
          'reason String',
          'detail String',
          "at DateTime64(3, 'UTC')",
        ],
        engine: 'ReplacingMergeTree(at)',
        partitionBy: 'toYYYYMM(at)',
        orderBy: '(account_id, binding_id, event_id)',
        shardingKey: 'cityHash64(account_id)',
      }),
      ...createTableSql(t, {
        name: 'account_events',
        columns: [
          'account_id LowCardinality(String)',
          'waba_id String',
          'phone_number_id String',
          'event LowCardinality(String)',
          'reason String',
          'initiated_by String',
          "at DateTime64(3, 'UTC')",
        ],
        engine: 'ReplacingMergeTree(at)',
        partitionBy: 'toYYYYMM(at)',
        orderBy: '(account_id, waba_id, event, at)',
        shardingKey: 'cityHash64(account_id)',
      }),
      ...createTableSql(t, {
        name: 'raw_webhooks',
        columns: [
          "received_at DateTime64(3, 'UTC')",
          'body_sha256 String',
          'bytes UInt32',
          'fields Array(LowCardinality(String))',
          'phone_number_ids Array(String)',
          'body String CODEC(ZSTD(3))',
        ],
        engine: 'ReplacingMergeTree(received_at)',
        partitionBy: 'toDate(received_at)',
        orderBy: '(body_sha256)',
        ttl: 'toDateTime(received_at) + INTERVAL 30 DAY DELETE',
        settings: ['ttl_only_drop_parts = 1'],
        shardingKey: 'cityHash64(body_sha256)',
      }),
    ],
  },
  {
    id: 2,
    name: 'conversations, responses and contact days derived per number; template and refusal columns on statuses',
    statements: (t) => [
      // Rebuilt per number by the analytics refresher: a whole generation is written, then made
      // current, then the previous one dropped, so readers never see a half-built number.
      ...createTableSql(t, {
        name: 'conversations',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'generation UInt32',
          'contact_key String',
          'contact_wa_id String',
          // the local day it started, in the number's time zone at build time
          'day Date',
          "started_at DateTime64(3, 'UTC')",
          "ended_at DateTime64(3, 'UTC')",
          'messages UInt32',
          'inbound UInt32',
          'outbound UInt32',
          "started_by Enum8('customer' = 1, 'business' = 2)",
          // -1: no answer (or started by the business)
          'first_response_s Float64',
          'first_responder LowCardinality(String)',
        ],
        engine: 'MergeTree',
        partitionBy: '(account_id, phone_number_id, generation)',
        orderBy: '(account_id, phone_number_id, generation, started_at)',
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'responses',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'generation UInt32',
          'contact_key String',
          // the local day of the answer
          'day Date',
          "asked_at DateTime64(3, 'UTC')",
          "answered_at DateTime64(3, 'UTC')",
          'response_s Float64',
          'responder LowCardinality(String)',
          'is_first UInt8',
        ],
        engine: 'MergeTree',
        partitionBy: '(account_id, phone_number_id, generation)',
        orderBy: '(account_id, phone_number_id, generation, answered_at)',
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createTableSql(t, {
        name: 'contact_days',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'generation UInt32',
          'day Date',
          'contact_key String',
          'messages UInt32',
          'inbound UInt32',
          'outbound UInt32',
          "last_at DateTime64(3, 'UTC')",
          // the contact's first day with the business: new contacts per day without a window
          'first_day UInt8',
        ],
        engine: 'MergeTree',
        partitionBy: '(account_id, phone_number_id, generation)',
        orderBy: '(account_id, phone_number_id, generation, day, contact_key)',
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...alterTableSql(t, 'statuses', [
        'ADD COLUMN IF NOT EXISTS template_name LowCardinality(String)',
        'ADD COLUMN IF NOT EXISTS template_language LowCardinality(String)',
        // our own refusal at send time (outside_service_window, template_not_approved, …)
        'ADD COLUMN IF NOT EXISTS error_reason LowCardinality(String)',
      ]),
    ],
  },
  {
    id: 3,
    name: 'messages_15m: message counts per number, quarter hour, direction and source',
    statements: (t) => [
      // Quarter hours, because every time zone's offset (India +5:30, Nepal +5:45) is a whole
      // number of them: any local day, hour or weekday is an exact sum of buckets.
      ...createTableSql(t, {
        name: 'messages_15m',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          "bucket DateTime('UTC')",
          "direction Enum8('inbound' = 1, 'outbound' = 2)",
          "source Enum8('history' = 1, 'echo' = 2, 'live' = 3, 'api' = 4)",
          // signed: the reconciliation corrects a bucket by adding the difference, either way
          'messages SimpleAggregateFunction(sum, Int64)',
          'media SimpleAggregateFunction(sum, Int64)',
          'contacts AggregateFunction(uniq, String)',
        ],
        engine: 'AggregatingMergeTree',
        partitionBy: 'toYYYYMM(bucket)',
        orderBy: '(account_id, phone_number_id, bucket, direction, source)',
        // a retried insert into messages is dropped there and, by its token, here too
        settings: ['non_replicated_deduplication_window = 10000'],
        shardingKey: SHARD_BY_NUMBER,
      }),
      ...createMaterializedViewSql(
        t,
        'messages_15m_mv',
        'messages_15m',
        (
          source,
        ) => `SELECT account_id, phone_number_id, toStartOfFifteenMinutes(ts) AS bucket, direction, source,
            toInt64(count()) AS messages, toInt64(countIf(has_media = 1)) AS media, uniqState(contact_key) AS contacts
          FROM ${source} WHERE is_upgrade = 0
          GROUP BY account_id, phone_number_id, bucket, direction, source`,
        'messages',
      ),
      // Created empty, then backfilled. Migrations run before this process ingests anything, and
      // an upgrade stops other writers first (docs/upgrading.md), so nothing is counted twice.
      `INSERT INTO ${t.database}.messages_15m
        SELECT account_id, phone_number_id, toStartOfFifteenMinutes(ts) AS bucket, direction, source,
          toInt64(count()), toInt64(countIf(has_media = 1)), uniqState(contact_key)
        FROM ${t.database}.messages
        WHERE is_upgrade = 0
        GROUP BY account_id, phone_number_id, bucket, direction, source`,
    ],
  },
  {
    id: 4,
    name: 'response_days: the response-time medians per number and local day, backfilled from responses',
    statements: (t) => [
      ...createTableSql(t, {
        name: 'response_days',
        columns: [
          'account_id LowCardinality(String)',
          'phone_number_id LowCardinality(String)',
          'generation UInt32',
          'day Date',
          'responses UInt32',
          'median_s Float64',
          'first_responses UInt32',
          'first_median_s Float64',
        ],
        engine: 'MergeTree',
        partitionBy: '(account_id, phone_number_id, generation)',
        orderBy: '(account_id, phone_number_id, generation, day)',
        shardingKey: SHARD_BY_NUMBER,
      }),
      `INSERT INTO ${t.database}.response_days
        SELECT account_id, phone_number_id, generation, day, count(), quantileExact(0.5)(response_s),
          countIf(is_first = 1), quantileExactIf(0.5)(response_s, is_first = 1)
        FROM ${t.database}.responses
        GROUP BY account_id, phone_number_id, generation, day`,
    ],
  },
];

/**
 * A materialized view feeding `to` from every insert into `from`; on a cluster, from each
 * node's local table into its local target, with the Distributed tables in front as usual.
 */
export function createMaterializedViewSql(
  target: SchemaTarget,
  name: string,
  to: string,
  select: (source: string) => string,
  from: string,
): string[] {
  const db = target.database;
  if (!target.cluster) {
    return [
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${name} TO ${db}.${to} AS ${select(`${db}.${from}`)}`,
    ];
  }
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${name}_local ON CLUSTER '${target.cluster}' TO ${db}.${to}_local AS ${select(`${db}.${from}_local`)}`,
  ];
}

/** On a cluster the change goes to the local tables and to the Distributed one in front of them. */
export function alterTableSql(target: SchemaTarget, table: string, changes: string[]): string[] {
  const db = target.database;
  if (!target.cluster) return [`ALTER TABLE ${db}.${table} ${changes.join(', ')}`];
  const on = `ON CLUSTER '${target.cluster}'`;
  return [
    `ALTER TABLE ${db}.${table}_local ${on} ${changes.join(', ')}`,
    `ALTER TABLE ${db}.${table} ${on} ${changes.join(', ')}`,
  ];
}

function migrationsTable(target: SchemaTarget): string[] {
  return createTableSql(target, {
    name: 'schema_migrations',
    columns: ['id UInt32', 'name String', "applied_at DateTime64(3, 'UTC') DEFAULT now64(3)"],
    engine: 'ReplacingMergeTree(applied_at)',
    orderBy: 'id',
  });
}

function createDatabaseSql(target: SchemaTarget): string {
  return `CREATE DATABASE IF NOT EXISTS ${target.database}${target.cluster ? ` ON CLUSTER '${target.cluster}'` : ''}`;
}

/** Every statement, in order, as it would run: for review (`pnpm --filter ./apps/api migrations:print`) and for tests. */
export function migrationSql(target: SchemaTarget, migrations: Migration[] = MIGRATIONS): string[] {
  return [
    createDatabaseSql(target),
    ...migrationsTable(target),
    ...migrations.flatMap((m) => [`-- ${m.id}: ${m.name}`, ...m.statements(target)]),
  ];
}

/** Applies the migrations not yet recorded, in order. Safe to run at every start. */
export async function migrate(warehouse: Warehouse, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const target: SchemaTarget = { database: warehouse.database, cluster: warehouse.cluster };
  await warehouse.command(createDatabaseSql(target));
  for (const sql of migrationsTable(target)) await warehouse.command(sql);
  const done = new Set(
    (
      await warehouse.raw<{ id: string | number }>(
        `SELECT id FROM ${warehouse.table('schema_migrations')} FINAL`,
      )
    ).map((r) => Number(r.id)),
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(migration.id)) continue;
    for (const sql of migration.statements(target)) await warehouse.command(sql);
    await warehouse.insert('schema_migrations', [{ id: migration.id, name: migration.name }]);
    applied.push(migration.id);
  }
  return applied;
}
