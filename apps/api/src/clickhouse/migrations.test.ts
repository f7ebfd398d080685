import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, migrationSql } from './migrations.js';
import { Warehouse } from './warehouse.js';

const dataDir = mkdtempSync(join(tmpdir(), 'coexist-migrations-'));
const warehouse = new Warehouse({ dataDir, database: 'coexist_test' });

afterAll(async () => {
  await warehouse.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('create every table on embedded chDB, once', async () => {
    expect(await migrate(warehouse)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(warehouse)).toEqual([]);
    const tables = await warehouse.raw<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = 'coexist_test' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      'account_events',
      'audit_events',
      'contact_days',
      'contacts',
      'conversations',
      'history_chunks',
      'messages',
      'messages_15m',
      'messages_15m_mv',
      'raw_webhooks',
      'response_days',
      'responses',
      'schema_migrations',
      'statuses',
    ]);
  });

  it('count a replaced placeholder once, and read the real message in its place', async () => {
    const base = {
      account_id: 'a',
      phone_number_id: '1',
      contact_key: 'c',
      direction: 'inbound',
      source: 'live',
      ts: 1_750_000_000_000,
    };
    await warehouse.insert('messages', [
      { ...base, wamid: 'w1', type: 'unsupported', is_placeholder: 1, version: 1 },
    ]);
    await warehouse.insert('messages', [{ ...base, wamid: 'w1', type: 'text', is_upgrade: 1, version: 2 }]);
    // the same message delivered twice more collapses on merge (the backstop behind ingest dedupe)
    await warehouse.insert('messages', [{ ...base, wamid: 'w1', type: 'text', is_upgrade: 1, version: 2 }]);
    await warehouse.command('OPTIMIZE TABLE coexist_test.messages FINAL');
    const [row] = await warehouse.raw<{ messages: string; type: string }>(
      "SELECT countIf(is_upgrade = 0) AS messages, argMax(type, version) AS type FROM coexist_test.messages WHERE wamid = 'w1'",
    );
    expect(row).toEqual({ messages: '1', type: 'text' });
  });

  it('drop a retried insert that carries the same deduplication token', async () => {
    const row = {
      account_id: 'a',
      phone_number_id: '2',
      wamid: 'w',
      contact_key: 'c',
      direction: 'inbound',
      source: 'history',
      ts: 1,
      version: 1,
    };
    await warehouse.insert('messages', [row], { deduplicationToken: 'chunk-1' });
    await warehouse.insert('messages', [row], { deduplicationToken: 'chunk-1' });
    const [count] = await warehouse.raw<{ n: string }>(
      "SELECT count() AS n FROM coexist_test.messages WHERE phone_number_id = '2'",
    );
    expect(count?.n).toBe('1');
  });

  it('emit Replicated and Distributed DDL for a cluster that ClickHouse itself parses', async () => {
    const statements = migrationSql({ database: 'coexist', cluster: 'analytics' }).filter(
      (s) => !s.startsWith('--'),
    );
    expect(statements.some((s) => s.includes('ReplicatedReplacingMergeTree('))).toBe(true);
    expect(
      statements.filter((s) => s.includes("ENGINE = Distributed('analytics', coexist, messages_local")),
    ).toHaveLength(1);
    for (const sql of statements) {
      // every DDL runs on each node; a backfill INSERT goes through the Distributed table once
      if (!sql.startsWith('INSERT')) expect(sql).toContain("ON CLUSTER 'analytics'");
      // EXPLAIN AST runs only ClickHouse's parser: the DDL is valid without needing a cluster.
      const ast = await warehouse.raw<{ explain: string }>(`EXPLAIN AST ${sql}`);
      expect(ast.length, sql).toBeGreaterThan(0);
    }
  });

  it('single-node DDL has no cluster clauses', () => {
    const statements = migrationSql({ database: 'coexist', cluster: null });
    expect(statements.join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed/);
  });
});

describe('messages_15m', () => {
  it('is backfilled with what existed before it, then fed by every insert, each message once', async () => {
    // chDB opens one directory per process: this test reuses the suite's warehouse, in its own database
    const db = new Warehouse({ dataDir, database: 'coexist_backfill' });
    const row = (wamid: string, ts: number) => ({
      account_id: 'a',
      phone_number_id: '1',
      wamid,
      contact_key: 'c',
      direction: 'inbound',
      source: 'history',
      ts,
      version: 1,
    });
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.id < 3),
    );
    await db.insert('messages', [row('w1', 1_750_000_000_000), row('w2', 1_750_000_100_000)]);
    await migrate(db);
    await db.insert('messages', [row('w3', 1_750_000_200_000)], { deduplicationToken: 'chunk-x' });
    // a retried block is dropped, and so is what it would have added to the view
    await db.insert('messages', [row('w3', 1_750_000_200_000)], { deduplicationToken: 'chunk-x' });
    const [counts] = await db.raw<{ messages: string; contacts: string }>(
      'SELECT sum(messages) AS messages, uniqMerge(contacts) AS contacts FROM coexist_backfill.messages_15m',
    );
    expect(counts).toEqual({ messages: '3', contacts: '1' });
  });
});

describe('response_days', () => {
  it('is backfilled with each day’s response medians from the responses built before it', async () => {
    const db = new Warehouse({ dataDir, database: 'coexist_response_days' });
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.id < 4),
    );
    const response = (day: string, response_s: number, is_first: number) => ({
      account_id: 'a',
      phone_number_id: '1',
      generation: 7,
      contact_key: 'c',
      day,
      asked_at: 1_750_000_000_000,
      answered_at: 1_750_000_000_000 + response_s * 1000,
      response_s,
      responder: 'business_app',
      is_first,
    });
    await db.insert('responses', [
      response('2025-06-15', 10, 1),
      response('2025-06-15', 20, 0),
      response('2025-06-15', 30, 0),
      response('2025-06-15', 40, 1),
      response('2025-06-15', 60, 1),
      response('2025-06-16', 40, 0),
    ]);
    await migrate(db);
    const days = await db.raw<Record<string, string | number>>(
      'SELECT toString(day) AS day, responses, median_s, first_responses, first_median_s FROM coexist_response_days.response_days ORDER BY day',
    );
    expect(days).toEqual([
      { day: '2025-06-15', responses: 5, median_s: 30, first_responses: 3, first_median_s: 40 },
      // no first response that day: no median (NaN, read as null; the report shows null too)
      { day: '2025-06-16', responses: 1, median_s: 40, first_responses: 0, first_median_s: null },
    ]);
  });
});

describe('Warehouse settings', () => {
  it('never carry one insert’s deduplication token over to the next (chDB keeps settings in its session)', async () => {
    const db = new Warehouse({ dataDir, database: 'coexist_tokens' });
    await migrate(db);
    const row = (wamid: string) => ({
      account_id: 'a',
      phone_number_id: '9',
      wamid,
      contact_key: 'c',
      direction: 'inbound',
      source: 'live',
      ts: 1_750_000_000_000,
      version: 1,
    });
    await db.insert('messages', [row('t1')], { deduplicationToken: 'only-for-t1' });
    await db.insert('messages', [row('t2')]);
    await db.command(
      `INSERT INTO coexist_tokens.messages (account_id, phone_number_id, wamid, contact_key, direction, source, ts, version) VALUES ('a', '9', 't3', 'c', 'inbound', 'live', now64(3), 1)`,
    );
    const [count] = await db.raw<{ n: string }>(
      "SELECT count() AS n FROM coexist_tokens.messages WHERE phone_number_id = '9'",
    );
    expect(count?.n).toBe('3');
  });
});
