import type { BindingStatus } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

/** A number bound (or being bound) to an account: what the api shows and the sender checks. */
export interface NumberRecord {
  phoneNumberId: string;
  accountId: string;
  bindingId: string;
  wabaId: string;
  /** digits only, e.g. 15550783881 */
  displayPhoneNumber: string;
  verifiedName: string | null;
  /** the binding's state: only `active` numbers send */
  status: BindingStatus;
  timezone: string | null;
  throughputMps: number;
  /** when Embedded Signup finished: the 24 h sync deadline and the service window start here */
  onboardedAt: number;
  shareHistory: boolean;
  /** the business token, sealed with TokenCipher (context: the WABA id) */
  sealedToken: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Numbers by id, with the indexes webhooks route by: a WABA's numbers, and a display number
 * (`account_update` names the number only by its digits).
 */
export class NumberStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async get(phoneNumberId: string): Promise<NumberRecord | null> {
    const raw = await this.redis.get(this.keys.number(phoneNumberId));
    return raw ? (JSON.parse(raw) as NumberRecord) : null;
  }

  /** Only the owner sees a number: another account's id reads as missing. */
  async getForAccount(accountId: string, phoneNumberId: string): Promise<NumberRecord | null> {
    const number = await this.get(phoneNumberId);
    return number?.accountId === accountId ? number : null;
  }

  async save(number: NumberRecord): Promise<void> {
    await this.redis.set(this.keys.number(number.phoneNumberId), JSON.stringify(number));
    await this.redis.zadd(this.keys.accountNumbers(number.accountId), number.createdAt, number.phoneNumberId);
    await this.redis.sadd(this.keys.wabaNumbers(number.wabaId), number.phoneNumberId);
    await this.redis.set(this.keys.displayNumber(number.displayPhoneNumber), number.phoneNumberId);
  }

  async update(
    phoneNumberId: string,
    change: Partial<Omit<NumberRecord, 'phoneNumberId' | 'accountId'>>,
    now = Date.now(),
  ): Promise<NumberRecord | null> {
    const number = await this.get(phoneNumberId);
    if (!number) return null;
    const updated = { ...number, ...change, updatedAt: now };
    await this.redis.set(this.keys.number(phoneNumberId), JSON.stringify(updated));
    return updated;
  }

  async listForAccount(accountId: string): Promise<NumberRecord[]> {
    const ids = await this.redis.zrange(this.keys.accountNumbers(accountId), '0', '-1');
    const numbers = await Promise.all(ids.map((id) => this.getForAccount(accountId, id)));
    return numbers.filter((n): n is NumberRecord => n !== null);
  }

  async idsForWaba(wabaId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.wabaNumbers(wabaId));
  }

  async idForDisplayNumber(digits: string): Promise<string | null> {
    return this.redis.get(this.keys.displayNumber(digits));
  }
}
