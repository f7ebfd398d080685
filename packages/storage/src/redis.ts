import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * Every key starts with a deployment prefix (tests use their own), and every key that a Lua
 * script or MULTI touches together shares one `{hash tag}`, so the same code runs on Redis
 * Cluster: per number `{n:<phone_number_id>}`, per account `{a:<account_id>}`.
 */
export class Keys {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9:_-]+$/.test(prefix)) throw new TypeError(`bad Redis key prefix "${prefix}"`);
  }

  account(accountId: string) {
    return `${this.prefix}:{a:${accountId}}:account`;
  }
  accountBindings(accountId: string) {
    return `${this.prefix}:{a:${accountId}}:bindings`;
  }
  accountNumbers(accountId: string) {
    return `${this.prefix}:{a:${accountId}}:numbers`;
  }
  idempotency(accountId: string, key: string) {
    return `${this.prefix}:{a:${accountId}}:idem:${key}`;
  }
  apiKey(hash: string) {
    return `${this.prefix}:apikey:${hash}`;
  }
  binding(bindingId: string) {
    return `${this.prefix}:binding:${bindingId}`;
  }
  bindingLock(bindingId: string) {
    return `${this.prefix}:binding:${bindingId}:lock`;
  }
  number(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:number`;
  }
  /** sliding log of the number's traffic in the last second (sends and inbound) */
  numberTraffic(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:traffic`;
  }
  /** set while the number backs off after Meta's 130429 */
  numberPause(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:pause`;
  }
  numberWindows(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:windows`;
  }
  numberOptOuts(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:optouts`;
  }
  numberSeen(phoneNumberId: string, wamid: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:seen:${wamid}`;
  }
  numberHistoryChunks(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:history-chunks`;
  }
  wabaNumbers(wabaId: string) {
    return `${this.prefix}:waba:${wabaId}:numbers`;
  }
  displayNumber(digits: string) {
    return `${this.prefix}:display:${digits}`;
  }
  templates(wabaId: string) {
    return `${this.prefix}:{w:${wabaId}}:templates`;
  }
  templatesSyncedAt(wabaId: string) {
    return `${this.prefix}:{w:${wabaId}}:templates:synced-at`;
  }
  webhookProcessed(bodySha256: string) {
    return `${this.prefix}:webhook:done:${bodySha256}`;
  }
  numberSync(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:sync`;
  }
  numberAlerts(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:alerts`;
  }
  message(messageId: string) {
    return `${this.prefix}:message:${messageId}`;
  }
  wamidMessage(wamid: string) {
    return `${this.prefix}:wamid:${wamid}`;
  }

  // Sending: per-number lanes, the dispatcher's ready set, and the back-off state Meta's answers set.

  /** the number's accepted messages waiting for their turn, oldest first (message ids) */
  numberOutbox(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:outbox`;
  }
  /** messages handed to the send queue that have not taken their budget yet, scored by hand-off time */
  numberHandoff(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:handoff`;
  }
  /** consecutive `130429` answers, which lengthen the number's next pause */
  numberThrottleStrikes(phoneNumberId: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:throttle-strikes`;
  }
  /** pair-rate back-off with one recipient after `131056`: "<strikes>:<until ms>" */
  numberPairBackoff(phoneNumberId: string, recipient: string) {
    return `${this.prefix}:{n:${phoneNumberId}}:pair:${recipient}`;
  }
  /** numbers with work for a dispatcher, scored by when one should look at them (ms, Redis clock) */
  dispatchReady() {
    return `${this.prefix}:{dispatch}:ready`;
  }
  /** every number that has had an outbox: what the sweeper re-arms from */
  dispatchNumbers() {
    return `${this.prefix}:{dispatch}:numbers`;
  }
  /** pub/sub channel: a number became due now (wakes sleeping dispatchers) */
  dispatchWake() {
    return `${this.prefix}:{dispatch}:wake`;
  }
  /** held by the one process sweeping at a time */
  dispatchSweepLock() {
    return `${this.prefix}:{dispatch}:sweep-lock`;
  }
}

/** A single Redis or a Redis Cluster: every store works on either (keys share slots by hash tag). */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  /** BullMQ workers need `null` (block forever); request-path clients fail fast instead */
  maxRetriesPerRequest?: number | null;
  /** false: a command while disconnected fails at once instead of waiting (HTTP request paths) */
  enableOfflineQueue?: boolean;
  /** pipeline the commands issued in the same tick (many small store calls) */
  enableAutoPipelining?: boolean;
  name?: string;
  /** `url` is one node of a Redis Cluster; the others are discovered */
  cluster?: boolean;
}

/** Reconnect forever with a capped delay: Redis restarts must not crash-loop our processes. */
const retryStrategy = (times: number) => Math.min(times * 200, 2000);

export function createRedis(url: string, options: RedisConnectionOptions = {}): RedisClient {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    enableReadyCheck: true,
    connectionName: options.name,
    retryStrategy,
    ...(options.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: options.enableOfflineQueue }),
    ...(options.enableAutoPipelining ? { enableAutoPipelining: true } : {}),
  };
  if (!options.cluster) return new Redis(url, redisOptions);
  const { hostname, port, username, password, protocol } = new URL(url);
  return new Cluster([{ host: hostname || '127.0.0.1', port: Number(port || 6379) }], {
    clusterRetryStrategy: retryStrategy,
    enableReadyCheck: true,
    ...(options.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: options.enableOfflineQueue }),
    ...(options.enableAutoPipelining ? { enableAutoPipelining: true } : {}),
    redisOptions: {
      maxRetriesPerRequest: redisOptions.maxRetriesPerRequest,
      connectionName: options.name,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
      ...(protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/**
 * What BullMQ connects with: connection options for a single Redis (each Queue and Worker opens
 * its own), a Cluster client for a cluster (queue names carry `{hash tags}`, so each queue's keys
 * share a slot).
 */
export function queueConnection(
  url: string,
  options: { cluster?: boolean; producer?: boolean } = {},
): ConnectionOptions {
  // Workers block (no retry limit); producers answer HTTP requests and must fail fast.
  const limits = options.producer
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false }
    : { maxRetriesPerRequest: null };
  if (!options.cluster) return { url, ...limits };
  return createRedis(url, { cluster: true, ...limits }) as Cluster;
}

/** Every master of a cluster, or the one Redis: for SCAN and other per-node commands. */
export function redisNodes(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
