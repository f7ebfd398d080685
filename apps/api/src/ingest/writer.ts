import { createHash } from 'node:crypto';
import type { Logger } from '@coexist/runtime';
import type { Keys, RedisClient } from '@coexist/storage';
import { z } from 'zod';
import { defineQuery, type Warehouse } from '../clickhouse/warehouse.js';
import type { Metrics } from '../metrics.js';
import type { MessageRow, StatusRow } from './rows.js';

export type Table =
  | 'messages'
  | 'statuses'
  | 'contacts'
  | 'history_chunks'
  | 'account_events'
  | 'audit_events'
  | 'raw_webhooks';

export type Rows = Partial<Record<Table, Array<Record<string, unknown>>>>;

const storedMessagesQuery = defineQuery({
  name: 'stored_messages',
  sql: `SELECT wamid, min(is_placeholder) AS placeholder_only, max(version) AS version
        FROM {db}.messages
        WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
          AND wamid IN {wamids:Array(String)}
        GROUP BY wamid`,
  params: z.object({ account_id: z.string(), phone_number_id: z.string(), wamids: z.array(z.string()) }),
  row: z.object({ wamid: z.string(), placeholder_only: z.coerce.number(), version: z.coerce.number() }),
});

const storedStatusesQuery = defineQuery({
  name: 'stored_statuses',
  sql: `SELECT DISTINCT wamid, toString(status) AS status FROM {db}.statuses
        WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
          AND wamid IN {wamids:Array(String)}`,
  params: z.object({ account_id: z.string(), phone_number_id: z.string(), wamids: z.array(z.string()) }),
  row: z.object({ wamid: z.string(), status: z.string() }),
});

interface Block {
  table: Table;
  rows: Array<Record<string, unknown>>;
  token: string;
}

interface Entry {
  rows: Rows;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Pending {
  entries: Entry[];
  count: number;
}

const emptyRows = (): Required<Rows> => ({
  messages: [],
  statuses: [],
  contacts: [],
  history_chunks: [],
  account_events: [],
  audit_events: [],
  raw_webhooks: [],
});

const LOOKUP_CHUNK = 5000;

export interface WriterOptions {
  /** a batch is written once it holds this many rows… */
  maxRows?: number;
  /** …or this long after its first row */
  maxDelayMs?: number;
}

/**
 * The only path into ClickHouse. Rows from concurrent ingest jobs are gathered into batches
 * (ClickHouse wants few large inserts); a job's promise settles once its rows are stored, so a
 * job is acknowledged only after its data is durable. Messages and statuses are deduplicated
 * here, exactly: ReplacingMergeTree stays a backstop, never the mechanism, because the
 * analytics views count what is inserted. Writes are serialised: one batch at a time in this
 * process, and across processes (a shared ClickHouse server) under a Redis lock.
 */
export class WarehouseWriter {
  private pending: Pending = { entries: [], count: 0 };
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly maxRows: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    options: WriterOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 20_000;
    this.maxDelayMs = options.maxDelayMs ?? 40;
  }

  /** Adds rows to the next batch; resolves when that batch is stored. */
  write(rows: Rows): Promise<void> {
    const count = Object.values(rows).reduce((sum, list) => sum + (list?.length ?? 0), 0);
    if (count === 0) return Promise.resolve();
    this.pending.count += count;
    const done = new Promise<void>((resolve, reject) => this.pending.entries.push({ rows, resolve, reject }));
    if (this.pending.count >= this.maxRows) this.flushSoon(0);
    else this.flushSoon(this.maxDelayMs);
    return done;
  }

  /**
   * A history chunk, written as one block with a deduplication token made of its content: a
   * retried chunk is dropped by ClickHouse, materialized views included. The chunk's placeholders
   * (media sent later by Meta) are checked first: when the media follow-up for a wamid arrived
   * before its chunk (a chunk delivery failed and came back later), the message is already
   * stored and its placeholder is left out. The check runs inside the serialised write, so no
   * other write can slip between it and the insert.
   */
  writeChunk(rows: MessageRow[], token: string): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.serialise(async () => {
      const started = performance.now();
      let block = rows;
      const placeholders = rows.filter((row) => row.is_placeholder === 1);
      const first = rows[0] as MessageRow;
      if (placeholders.length > 0) {
        const stored = new Set<string>();
        for (let i = 0; i < placeholders.length; i += LOOKUP_CHUNK) {
          const found = await this.warehouse.query(storedMessagesQuery, {
            account_id: first.account_id,
            phone_number_id: first.phone_number_id,
            wamids: placeholders.slice(i, i + LOOKUP_CHUNK).map((r) => r.wamid),
          });
          for (const f of found) stored.add(f.wamid);
        }
        if (stored.size > 0) {
          block = rows.filter((row) => !(row.is_placeholder === 1 && stored.has(row.wamid)));
          this.metrics.ingestDuplicates.inc({ kind: 'message' }, rows.length - block.length);
        }
      }
      await this.warehouse.insert('messages', block as unknown as Array<Record<string, unknown>>, {
        deduplicationToken: token,
      });
      this.metrics.ingestRows.inc({ table: 'messages' }, block.length);
      this.metrics.ingestBatchSeconds.observe((performance.now() - started) / 1000);
    });
  }

  /** Writes whatever is pending and waits for every write in flight. */
  async flush(): Promise<void> {
    this.flushSoon(0);
    await this.chain;
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = this.pending;
      this.pending = { entries: [], count: 0 };
      if (batch.count === 0) return;
      void this.serialise(() => this.writeEntries(batch));
    }, delayMs);
  }

  private serialise(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => this.withLock(work));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Embedded chDB has one writer by construction; a shared server needs the lock. */
  private async withLock(work: () => Promise<void>): Promise<void> {
    if (this.warehouse.embedded) return work();
    const key = `${this.keys.prefix}:{ingest}:write-lock`;
    const token = `${process.pid}-${Math.random()}`;
    while ((await this.redis.set(key, token, 'PX', 30_000, 'NX')) !== 'OK') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      await work();
    } finally {
      await this.redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
        1,
        key,
        token,
      );
    }
  }

  /**
   * One insert per table for the whole batch. If it fails, each job's rows are written on their
   * own, so one job whose rows ClickHouse refuses fails alone (and retries) instead of failing
   * every job that shared its batch, again and again.
   */
  private async writeEntries(batch: Pending): Promise<void> {
    try {
      await this.writeBatch(merge(batch.entries.map((e) => e.rows)));
      for (const entry of batch.entries) entry.resolve();
      return;
    } catch (error) {
      if (batch.entries.length === 1) {
        this.logger.error({ err: error, rows: batch.count }, 'write failed; its job will retry');
        batch.entries[0]?.reject(error);
        return;
      }
      this.logger.warn(
        { err: error, jobs: batch.entries.length },
        'batch write failed; writing its jobs one by one',
      );
    }
    for (const entry of batch.entries) {
      try {
        await this.writeBatch(merge([entry.rows]));
        entry.resolve();
      } catch (error) {
        this.logger.error({ err: error }, 'write failed; its job will retry');
        entry.reject(error);
      }
    }
  }

  private async writeBatch(rows: Required<Rows>): Promise<void> {
    const started = performance.now();
    rows.messages = await this.newMessages(rows.messages as unknown as MessageRow[]);
    rows.statuses = await this.newStatuses(rows.statuses as unknown as StatusRow[]);
    const blocks: Block[] = [];
    for (const [table, list] of Object.entries(rows) as Array<[Table, Array<Record<string, unknown>>]>) {
      if (list.length === 0) continue;
      blocks.push({
        table,
        rows: list,
        token: createHash('sha256').update(JSON.stringify(list)).digest('hex'),
      });
    }
    await this.insertBlocks(blocks);
    this.metrics.ingestBatchSeconds.observe((performance.now() - started) / 1000);
  }

  private async insertBlocks(blocks: Block[]): Promise<void> {
    for (const block of blocks) {
      // the same rows again carry the same token: ClickHouse drops them from the table and,
      // with deduplicate_blocks_in_dependent_materialized_views, gives its views what they missed
      await this.warehouse.insert(block.table, block.rows, { deduplicationToken: block.token });
      this.metrics.ingestRows.inc({ table: block.table }, block.rows.length);
    }
  }

  /**
   * Runs work with no write of this writer (or, on a shared server, of any writer) in between:
   * for reading and correcting what writes produce.
   */
  exclusive(work: () => Promise<void>): Promise<void> {
    return this.serialise(work);
  }

  /**
   * Drops messages already stored, keeping one per wamid. A placeholder (131060, media not yet
   * given) is replaced by the real message with the same wamid: the newer row gets a higher
   * version and `is_upgrade` so counts see one message.
   */
  private async newMessages(rows: MessageRow[]): Promise<Array<Record<string, unknown>>> {
    if (rows.length === 0) return [];
    const chosen = new Map<string, MessageRow>();
    for (const row of rows) {
      const key = `${row.account_id}\u0000${row.phone_number_id}\u0000${row.wamid}`;
      const seen = chosen.get(key);
      if (!seen || (seen.is_placeholder === 1 && row.is_placeholder === 0)) chosen.set(key, row);
      else this.metrics.ingestDuplicates.inc({ kind: 'message' });
    }
    const out: MessageRow[] = [];
    for (const group of groupBy([...chosen.values()])) {
      const stored = new Map<string, { placeholderOnly: boolean; version: number }>();
      for (let i = 0; i < group.rows.length; i += LOOKUP_CHUNK) {
        const found = await this.warehouse.query(storedMessagesQuery, {
          account_id: group.accountId,
          phone_number_id: group.phoneNumberId,
          wamids: group.rows.slice(i, i + LOOKUP_CHUNK).map((r) => r.wamid),
        });
        for (const f of found)
          stored.set(f.wamid, { placeholderOnly: f.placeholder_only === 1, version: f.version });
      }
      for (const row of group.rows) {
        const existing = stored.get(row.wamid);
        if (!existing) {
          out.push(row);
        } else if (existing.placeholderOnly && row.is_placeholder === 0) {
          out.push({ ...row, is_upgrade: 1, version: Math.max(row.version, existing.version + 1) });
        } else {
          this.metrics.ingestDuplicates.inc({ kind: 'message' });
        }
      }
    }
    return out as unknown as Array<Record<string, unknown>>;
  }

  /** One row per (wamid, status): Meta repeats statuses, and the funnel counts each once. */
  private async newStatuses(rows: StatusRow[]): Promise<Array<Record<string, unknown>>> {
    if (rows.length === 0) return [];
    const unique = new Map<string, StatusRow>();
    for (const row of rows)
      unique.set(`${row.account_id}\u0000${row.phone_number_id}\u0000${row.wamid}\u0000${row.status}`, row);
    const out: StatusRow[] = [];
    for (const group of groupBy([...unique.values()])) {
      const stored = new Set<string>();
      const wamids = [...new Set(group.rows.map((r) => r.wamid))];
      for (let i = 0; i < wamids.length; i += LOOKUP_CHUNK) {
        const found = await this.warehouse.query(storedStatusesQuery, {
          account_id: group.accountId,
          phone_number_id: group.phoneNumberId,
          wamids: wamids.slice(i, i + LOOKUP_CHUNK),
        });
        for (const f of found) stored.add(`${f.wamid}\u0000${f.status}`);
      }
      for (const row of group.rows) {
        if (stored.has(`${row.wamid}\u0000${row.status}`))
          this.metrics.ingestDuplicates.inc({ kind: 'status' });
        else out.push(row);
      }
    }
    return out as unknown as Array<Record<string, unknown>>;
  }
}

function merge(list: Rows[]): Required<Rows> {
  const out = emptyRows();
  for (const rows of list) {
    for (const [table, records] of Object.entries(rows) as Array<[Table, Array<Record<string, unknown>>]>) {
      if (records?.length) out[table].push(...records);
    }
  }
  return out;
}

function groupBy<R extends { account_id: string; phone_number_id: string }>(rows: R[]) {
  const groups = new Map<string, { accountId: string; phoneNumberId: string; rows: R[] }>();
  for (const row of rows) {
    const key = `${row.account_id}\u0000${row.phone_number_id}`;
    let group = groups.get(key);
    if (!group) {
      group = { accountId: row.account_id, phoneNumberId: row.phone_number_id, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return groups.values();
}
