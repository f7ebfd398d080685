import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { z } from 'zod';

export interface WarehouseConfig {
  /** a ClickHouse server (`http://user:pass@host:8123`); unset → embedded chDB under dataDir */
  url?: string;
  dataDir: string;
  database?: string;
  /** with a cluster name, DDL runs ON CLUSTER with Replicated + Distributed tables */
  cluster?: string;
}

/**
 * A query is declared once: its SQL with typed `{name:Type}` placeholders, the schema of its
 * parameters and of each row. Values never enter the SQL text.
 */
export interface QueryDefinition<P extends z.ZodType, R extends z.ZodType> {
  name: string;
  sql: string;
  params: P;
  row: R;
}

export function defineQuery<P extends z.ZodType, R extends z.ZodType>(definition: QueryDefinition<P, R>) {
  return definition;
}

export interface InsertOptions {
  /** the same token on a retried insert makes ClickHouse drop the repeat */
  deduplicationToken?: string;
}

// 64-bit integers as strings on every backend, so chDB and a server answer alike.
// chDB keeps every setting a statement carries in its session for the statements after it (a
// ClickHouse server scopes them to the request). Left alone, one insert's deduplication token
// would silently drop every later insert into a deduplicating table. So every statement states
// every setting we ever change, the token included (empty: none).
const SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
  insert_deduplication_token: '',
  insert_deduplicate: 1,
  // A block dropped as a repeat reaches the materialized views too, and they drop what they
  // already hold by the token derived from it (with 0, ClickHouse 24+ adds it to them again).
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // monthly partitions: one batch may span every month from 2009 to 2100
  max_partitions_per_insert_block: '1200',
};

/** The history store: embedded chDB by default, a ClickHouse server or cluster by configuration. */
export class Warehouse {
  readonly database: string;
  readonly cluster: string | null;
  readonly embedded: boolean;
  private readonly config: WarehouseConfig;
  private opened: ClickHouseClient | null = null;

  constructor(config: WarehouseConfig) {
    this.database = config.database ?? 'coexist';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.database))
      throw new TypeError(`bad database name "${this.database}"`);
    this.cluster = config.cluster ?? null;
    this.embedded = !config.url;
    this.config = config;
  }

  /**
   * Opened on first use: an api process that only receives webhooks and sends (no workers) never
   * opens the embedded directory, so it can run beside the one that owns it.
   */
  private get client(): ClickHouseClient {
    if (this.opened) return this.opened;
    if (this.config.url) {
      this.opened = createClient({
        url: this.config.url,
        clickhouse_settings: SETTINGS,
        request_timeout: 30_000,
      });
    } else {
      const path = resolve(this.config.dataDir, 'clickhouse');
      mkdirSync(path, { recursive: true });
      // chDB's Connection comes from its own copy of @clickhouse/client-common: same shape, separate nominal type.
      const connection = createChdbConnection({ path }) as unknown as NonNullable<
        Parameters<typeof createClient>[0]
      >['connection'];
      this.opened = createClient({ connection, clickhouse_settings: SETTINGS });
    }
    return this.opened;
  }

  /** Whether this process has the store open (an embedded store is opened by one process only). */
  get isOpen(): boolean {
    return this.opened !== null;
  }

  /** `db.table`: every statement names its table fully, so no session state is needed. */
  table(name: string): string {
    return `${this.database}.${name}`;
  }

  async query<P extends z.ZodType, R extends z.ZodType>(
    definition: QueryDefinition<P, R>,
    params: z.input<P>,
  ): Promise<Array<z.output<R>>> {
    const queryParams = definition.params.parse(params) as Record<string, unknown>;
    const result = await this.client.query({
      query: definition.sql.replaceAll('{db}', this.database),
      query_params: queryParams,
      format: 'JSONEachRow',
      clickhouse_settings: SETTINGS,
    });
    const rows = await result.json<unknown>();
    return rows.map((row) => definition.row.parse(row));
  }

  async insert(
    table: string,
    rows: ReadonlyArray<Record<string, unknown>>,
    options: InsertOptions = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({
      table: this.table(table),
      values: rows as Array<Record<string, unknown>>,
      format: 'JSONEachRow',
      clickhouse_settings: { ...SETTINGS, insert_deduplication_token: options.deduplicationToken ?? '' },
    });
  }

  /** A statement with typed parameters that returns no rows (INSERT … SELECT). */
  async run(sql: string, params: Record<string, unknown>, settings: ClickHouseSettings = {}): Promise<void> {
    await this.client.command({
      query: sql,
      query_params: params,
      clickhouse_settings: { ...SETTINGS, ...settings },
    });
  }

  /** Drops one partition; on a cluster, of the local table on every node. */
  async dropPartition(table: string, partition: string): Promise<void> {
    const target = this.cluster
      ? `${this.table(`${table}_local`)} ON CLUSTER '${this.cluster}'`
      : this.table(table);
    await this.client.command({ query: `ALTER TABLE ${target} DROP PARTITION ${partition}` });
  }

  async command(sql: string, settings: ClickHouseSettings = {}): Promise<void> {
    await this.client.command({ query: sql, clickhouse_settings: { ...SETTINGS, ...settings } });
  }

  /** Runs a statement and returns its rows; for migrations and tests, not request paths. */
  async raw<T = Record<string, unknown>>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const result = await this.client.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: SETTINGS,
    });
    return result.json<T>();
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    await this.opened?.close();
    this.opened = null;
  }
}
