import type { Keys, RedisClient } from '../redis.js';

export interface NumberAlert {
  code: string;
  message: string;
  count: number;
  firstAt: number;
  lastAt: number;
  /** the most recent messages it concerns (131060), newest first */
  wamids: string[];
}

const WAMIDS_KEPT = 20;

/** What the number's page warns about, one entry per kind, counted and dated. */
export class AlertStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async raise(
    phoneNumberId: string,
    alert: { code: string; message: string; wamid?: string | null },
    at = Date.now(),
  ): Promise<void> {
    const key = this.keys.numberAlerts(phoneNumberId);
    // Concurrent raises for one number are rare (one ingest batch at a time); last writer wins
    // on the message, counts may undercount under a race, which an alert can afford.
    const raw = await this.redis.hget(key, alert.code);
    const current = raw ? (JSON.parse(raw) as NumberAlert) : null;
    const wamids = alert.wamid
      ? [alert.wamid, ...(current?.wamids ?? []).filter((w) => w !== alert.wamid)].slice(0, WAMIDS_KEPT)
      : (current?.wamids ?? []);
    const next: NumberAlert = {
      code: alert.code,
      message: alert.message,
      count: (current?.count ?? 0) + 1,
      firstAt: current ? Math.min(current.firstAt, at) : at,
      lastAt: current ? Math.max(current.lastAt, at) : at,
      wamids,
    };
    await this.redis.hset(key, alert.code, JSON.stringify(next));
  }

  async clear(phoneNumberId: string, code: string): Promise<void> {
    await this.redis.hdel(this.keys.numberAlerts(phoneNumberId), code);
  }

  async list(phoneNumberId: string): Promise<NumberAlert[]> {
    const all = await this.redis.hvals(this.keys.numberAlerts(phoneNumberId));
    return all.map((raw) => JSON.parse(raw) as NumberAlert).sort((a, b) => b.lastAt - a.lastAt);
  }
}
