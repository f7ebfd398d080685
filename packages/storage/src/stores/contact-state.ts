import { type ServiceWindow, windowFrom } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';
import { hashMax } from './scripts.js';

/** How we name a contact in Redis: by phone digits and, when Meta sends one, by BSUID. */
export interface ContactIds {
  waId: string | null;
  userId: string | null;
}

function fields(contact: ContactIds): string[] {
  const out: string[] = [];
  if (contact.waId) out.push(`wa:${contact.waId}`);
  if (contact.userId) out.push(`u:${contact.userId}`);
  return out;
}

export interface OptOut {
  at: number;
  /** `keyword` (the contact wrote STOP or the like) or `meta_131050` */
  reason: string;
}

/**
 * Per number and contact, the two facts the send rules need: when the contact last wrote live
 * (the customer-service window) and whether they opted out of marketing.
 */
export class ContactStateStore {
  private readonly raise: ReturnType<typeof hashMax>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    this.raise = hashMax(redis);
  }

  /** A live inbound message opened or extended the window; out-of-order arrivals never shorten it. */
  async recordInbound(phoneNumberId: string, contact: ContactIds, at: number): Promise<void> {
    const names = fields(contact);
    if (names.length === 0) return;
    await this.raise(this.keys.numberWindows(phoneNumberId), ...names.flatMap((name) => [name, at]));
  }

  async lastInboundAt(phoneNumberId: string, contact: ContactIds): Promise<number | null> {
    const names = fields(contact);
    if (names.length === 0) return null;
    const values = await this.redis.hmget(this.keys.numberWindows(phoneNumberId), ...names);
    const times = values.filter((v): v is string => v !== null).map(Number);
    return times.length > 0 ? Math.max(...times) : null;
  }

  async window(phoneNumberId: string, contact: ContactIds, now = Date.now()): Promise<ServiceWindow> {
    return windowFrom(await this.lastInboundAt(phoneNumberId, contact), now);
  }

  async optOut(phoneNumberId: string, contact: ContactIds, optOut: OptOut): Promise<void> {
    const names = fields(contact);
    if (names.length === 0) return;
    const value = JSON.stringify(optOut);
    await this.redis.hset(this.keys.numberOptOuts(phoneNumberId), ...names.flatMap((name) => [name, value]));
  }

  async optIn(phoneNumberId: string, contact: ContactIds): Promise<void> {
    const names = fields(contact);
    if (names.length > 0) await this.redis.hdel(this.keys.numberOptOuts(phoneNumberId), ...names);
  }

  async optedOut(phoneNumberId: string, contact: ContactIds): Promise<OptOut | null> {
    const names = fields(contact);
    if (names.length === 0) return null;
    const values = await this.redis.hmget(this.keys.numberOptOuts(phoneNumberId), ...names);
    const found = values.find((v): v is string => v !== null);
    return found ? (JSON.parse(found) as OptOut) : null;
  }

  async optOutCount(phoneNumberId: string): Promise<number> {
    const all = await this.redis.hkeys(this.keys.numberOptOuts(phoneNumberId));
    // a contact known by both phone and BSUID is stored twice; count people by their phone
    return all.filter((name) => name.startsWith('wa:')).length || all.length;
  }
}
