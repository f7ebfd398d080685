import type { Logger } from '@coexist/runtime';
import type { Keys, RedisClient } from '@coexist/storage';
import type { Warehouse } from '../clickhouse/warehouse.js';

/**
 * Every message of a number in thread order, tagged with its conversation (a new one after 24 h
 * of silence) and its turn (a new one whenever the speaker changes). Reactions, edits, revokes
 * and system notices are not turns of a conversation.
 */
const EVENTS = `
  SELECT contact_key, any(contact_wa_id) OVER (PARTITION BY contact_key) AS wa_id, wamid, ts, direction,
         if(source = 'api', 'api', 'phone_app') AS responder,
         sum(is_start) OVER (PARTITION BY contact_key ORDER BY ts, wamid ROWS UNBOUNDED PRECEDING) AS conv,
         sum(is_turn) OVER (PARTITION BY contact_key ORDER BY ts, wamid ROWS UNBOUNDED PRECEDING) AS turn
  FROM (
    SELECT contact_key, contact_wa_id, wamid, ts, direction, source,
           dateDiff('millisecond', lagInFrame(ts, 1, toDateTime64(0, 3, 'UTC')) OVER w, ts) > 86400000 AS is_start,
           is_start OR direction != lagInFrame(direction, 1, direction) OVER w AS is_turn
    FROM {db}.messages
    WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND is_upgrade = 0
      AND type NOT IN ('reaction', 'edit', 'revoke', 'system')
    WINDOW w AS (PARTITION BY contact_key ORDER BY ts, wamid ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
  )`;

const BUILD_CONVERSATIONS = `
  INSERT INTO {db}.conversations
  SELECT {account_id:String}, {phone_number_id:String}, {generation:UInt32}, contact_key, any(wa_id),
         toDate(min(ts), {tz:String}), min(ts) AS started_at, max(ts), count(), countIf(direction = 'inbound'), countIf(direction = 'outbound') AS outbound,
         if(argMin(direction, ts) = 'inbound', 'customer', 'business') AS started_by,
         if(started_by = 'customer' AND outbound > 0,
            dateDiff('millisecond', started_at, minIf(ts, direction = 'outbound')) / 1000, -1) AS first_response_s,
         if(first_response_s >= 0, argMinIf(responder, ts, direction = 'outbound'), '')
  FROM (${EVENTS})
  GROUP BY contact_key, conv`;

/** A response: the first outbound turn after an inbound one, timed from the inbound turn's start. */
const BUILD_RESPONSES = `
  INSERT INTO {db}.responses
  SELECT {account_id:String}, {phone_number_id:String}, {generation:UInt32}, contact_key, toDate(answered_at, {tz:String}),
         asked_at, answered_at,
         dateDiff('millisecond', asked_at, answered_at) / 1000, next_responder, is_first
  FROM (
    SELECT contact_key, conv, dir, asked_at,
           leadInFrame(dir) OVER w AS next_dir, leadInFrame(asked_at) OVER w AS answered_at,
           leadInFrame(first_responder) OVER w AS next_responder, leadInFrame(conv) OVER w AS next_conv,
           turn = min(turn) OVER (PARTITION BY contact_key, conv) AS is_first
    FROM (
      SELECT contact_key, conv, turn, any(direction) AS dir, min(ts) AS asked_at, argMin(responder, ts) AS first_responder
      FROM (${EVENTS})
      GROUP BY contact_key, conv, turn
    )
    WINDOW w AS (PARTITION BY contact_key ORDER BY turn ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
  )
  WHERE dir = 'inbound' AND next_dir = 'outbound' AND next_conv = conv`;

/** Per local day: the medians the trend chart shows, exact, read without sorting at request time. */
const BUILD_RESPONSE_DAYS = `
  INSERT INTO {db}.response_days
  SELECT {account_id:String}, {phone_number_id:String}, {generation:UInt32}, day, count(), quantileExact(0.5)(response_s),
         countIf(is_first = 1), quantileExactIf(0.5)(response_s, is_first = 1)
  FROM {db}.responses
  WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND generation = {generation:UInt32}
  GROUP BY day`;

/** Per local day and contact: who was active, how much, for the contacts report. */
const BUILD_CONTACT_DAYS = `
  INSERT INTO {db}.contact_days
  SELECT {account_id:String}, {phone_number_id:String}, {generation:UInt32}, day, contact_key, messages, inbound, outbound,
         last_at, day = min(day) OVER (PARTITION BY contact_key)
  FROM (
    SELECT toDate(ts, {tz:String}) AS day, contact_key, count() AS messages, countIf(direction = 'inbound') AS inbound,
           countIf(direction = 'outbound') AS outbound, max(ts) AS last_at
    FROM {db}.messages
    WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND is_upgrade = 0
    GROUP BY day, contact_key
  )`;

/** The number's messages against what the materialized view counted for it. */
const COUNT_TOTALS = `
  SELECT
    (SELECT count() FROM {db}.messages
      WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND is_upgrade = 0) AS stored,
    (SELECT sum(messages) FROM {db}.messages_15m
      WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}) AS counted`;

/**
 * Corrects messages_15m for one number by adding, per bucket, the difference between the
 * messages stored and those counted. A view can miss an insert when the process dies between the
 * table's part and the view's; the sums are signed so a correction works either way, and the
 * contacts' uniq states are merged again, which never double counts. The job that died is
 * retried, and its insert gives the view the missing part back (by the block's token): if a
 * rebuild corrected the view in between, that counts it twice, so a retried job reconciles its
 * numbers again before it completes (ingest/processor.ts).
 */
const REPAIR_COUNTS = `
  INSERT INTO {db}.messages_15m
  SELECT {account_id:String}, {phone_number_id:String}, bucket, direction, source,
         sum(n), sum(media), uniqStateIf(contact_key, stored = 1)
  FROM (
    SELECT toStartOfFifteenMinutes(ts) AS bucket, direction, source, toInt64(1) AS n, toInt64(has_media) AS media,
           contact_key, 1 AS stored
    FROM {db}.messages
    WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND is_upgrade = 0
    UNION ALL
    SELECT bucket, direction, source, -messages, -media, '', 0
    FROM {db}.messages_15m
    WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}
  )
  GROUP BY bucket, direction, source
  HAVING sum(n) != 0 OR sum(media) != 0`;

const SAFE_ID = /^[A-Za-z0-9_-]+$/;
const DERIVED_TABLES = ['conversations', 'responses', 'response_days', 'contact_days'] as const;

export interface RefresherOptions {
  /** a number is rebuilt this long after its first unbuilt change (changes in between join it) */
  debounceMs?: number;
  /** and never more often than this many times its last build took */
  costFactor?: number;
  pollMs?: number;
}

/**
 * Keeps the derived per-number tables (`conversations`, `responses`, `contact_days`) current. Ingest marks a
 * number dirty; this rebuilds it whole — late history chunks can merge or split conversations, so
 * nothing is patched in place — as a new generation, makes the generation current in Redis, then
 * drops the old one. Readers always see one complete generation.
 */
export class AnalyticsRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly costFactor: number;
  private readonly pollMs: number;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly logger: Logger,
    /** the number's time zone now; days in the derived tables are local days */
    private readonly timezoneOf: (phoneNumberId: string) => Promise<string>,
    /** runs work with no ingest write in between (the writer's lock) */
    private readonly exclusive: (work: () => Promise<void>) => Promise<void>,
    options: RefresherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 2_000;
    this.costFactor = options.costFactor ?? 10;
    this.pollMs = options.pollMs ?? 500;
  }

  private get dirtyKey() {
    return `${this.keys.prefix}:{analytics}:dirty`;
  }

  private stateKey(phoneNumberId: string) {
    return `${this.keys.prefix}:{n:${phoneNumberId}}:analytics`;
  }

  /** The number changed; the earliest change sets when it is rebuilt. */
  async markDirty(accountId: string, phoneNumberId: string, now = Date.now()): Promise<void> {
    await this.redis.zadd(this.dirtyKey, 'NX', now, `${accountId}|${phoneNumberId}`);
  }

  /**
   * Whether the number's derived tables are behind its messages: a rebuild is due (messages came
   * in since the last one) or running. Reports built on them say so (`updating`).
   */
  async pending(accountId: string, phoneNumberId: string): Promise<boolean> {
    const [dirty, building] = await Promise.all([
      this.redis.zscore(this.dirtyKey, `${accountId}|${phoneNumberId}`),
      this.redis.exists(`${this.stateKey(phoneNumberId)}:lock`),
    ]);
    return dirty !== null || building > 0;
  }

  /** The generation readers use; 0 when the number was never built. */
  async generation(phoneNumberId: string): Promise<number> {
    return Number((await this.redis.hget(this.stateKey(phoneNumberId), 'generation')) ?? 0);
  }

  /**
   * The generation to read, built in `timezone`: a number never built, or built before its time
   * zone changed, is built now.
   */
  async current(accountId: string, phoneNumberId: string, timezone: string): Promise<number> {
    const [generation, builtIn] = await this.redis.hmget(
      this.stateKey(phoneNumberId),
      'generation',
      'timezone',
    );
    if (generation && builtIn === timezone) return Number(generation);
    return this.rebuild(accountId, phoneNumberId);
  }

  start(): void {
    const tick = () => {
      this.running = this.running
        .then(() => this.refreshDue(Date.now()))
        .catch((error) => this.logger.error({ err: error }, 'analytics refresh failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Rebuilds every dirty number now, whatever the debounce (tests, and before shutdown). */
  async flush(): Promise<void> {
    await this.running;
    this.running = this.refreshDue(Number.POSITIVE_INFINITY, true);
    await this.running;
  }

  private async refreshDue(now: number, force = false): Promise<void> {
    const due = await this.redis.zrangebyscore(this.dirtyKey, '-inf', force ? '+inf' : now - this.debounceMs);
    for (const member of due) {
      const [accountId, phoneNumberId] = member.split('|') as [string, string];
      if (!force) {
        const state = await this.redis.hmget(this.stateKey(phoneNumberId), 'built_at', 'took_ms');
        const builtAt = Number(state[0] ?? 0);
        const took = Number(state[1] ?? 0);
        if (now - builtAt < took * this.costFactor) continue;
      }
      // a change arriving during the build re-marks the number with a later score
      await this.redis.zrem(this.dirtyKey, member);
      await this.rebuild(accountId, phoneNumberId);
    }
  }

  /** Makes the view's counts for the number equal to the messages stored; returns the correction. */
  async reconcileCounts(accountId: string, phoneNumberId: string): Promise<number> {
    const params = { account_id: accountId, phone_number_id: phoneNumberId };
    let correction = 0;
    await this.exclusive(async () => {
      const [totals] = await this.warehouse.raw<{ stored: string; counted: string | null }>(
        COUNT_TOTALS.replaceAll('{db}', this.warehouse.database),
        params,
      );
      correction = Number(totals?.stored ?? 0) - Number(totals?.counted ?? 0);
      if (correction === 0) return;
      // never dropped as a repeat: two crashes can call for the very same correction
      await this.warehouse.run(REPAIR_COUNTS.replaceAll('{db}', this.warehouse.database), params, {
        insert_deduplicate: 0,
      });
      this.logger.warn({ phoneNumberId, correction }, 'message counts repaired from the stored messages');
    });
    return correction;
  }

  /**
   * One build per number at a time, across processes (several api processes can share a
   * ClickHouse server): each build takes the number's lock, so generations never collide.
   */
  async rebuild(accountId: string, phoneNumberId: string): Promise<number> {
    if (!SAFE_ID.test(accountId) || !SAFE_ID.test(phoneNumberId)) throw new Error('unexpected id format');
    const lock = `${this.stateKey(phoneNumberId)}:lock`;
    const token = `${process.pid}-${Math.random()}`;
    const deadline = Date.now() + 120_000;
    while ((await this.redis.set(lock, token, 'PX', 120_000, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`analytics of ${phoneNumberId} are being rebuilt elsewhere`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      return await this.build(accountId, phoneNumberId);
    } finally {
      await this.redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
        1,
        lock,
        token,
      );
    }
  }

  private async build(accountId: string, phoneNumberId: string): Promise<number> {
    const started = performance.now();
    const previous = await this.generation(phoneNumberId);
    const generation = Math.max(previous + 1, Math.floor(Date.now() / 1000));
    await this.reconcileCounts(accountId, phoneNumberId);
    const timezone = await this.timezoneOf(phoneNumberId);
    const params = { account_id: accountId, phone_number_id: phoneNumberId, generation, tz: timezone };
    for (const sql of [BUILD_CONVERSATIONS, BUILD_RESPONSES, BUILD_RESPONSE_DAYS, BUILD_CONTACT_DAYS]) {
      await this.warehouse.run(sql.replaceAll('{db}', this.warehouse.database), params);
    }
    const took = Math.round(performance.now() - started);
    await this.redis.hset(this.stateKey(phoneNumberId), {
      generation,
      timezone,
      built_at: Date.now(),
      took_ms: took,
    });
    if (previous > 0) {
      for (const table of DERIVED_TABLES) {
        await this.warehouse.dropPartition(table, `('${accountId}', '${phoneNumberId}', ${previous})`);
      }
    }
    this.logger.debug({ phoneNumberId, generation, took }, 'analytics rebuilt');
    return generation;
  }
}
