import { Redis, type RedisOptions } from 'ioredis';

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

export interface RedisConnectionOptions {
  /** BullMQ workers need `null` (block forever); request-path clients fail fast instead */
  maxRetriesPerRequest?: number | null;
  name?: string;
}

export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    enableReadyCheck: true,
    connectionName: options.name,
    // Reconnect forever with a capped delay: Redis restarts must not crash-loop our processes.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  return new Redis(url, redisOptions);
}
