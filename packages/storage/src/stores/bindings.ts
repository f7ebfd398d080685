import type { BindingFailureReason, BindingStatus } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';
import { newId } from './accounts.js';

export interface BindingFailure {
  code: BindingFailureReason | string;
  message: string;
  details?: Record<string, unknown>;
}

/** One attempt to connect a WhatsApp Business app number to an account. */
export interface Binding {
  id: string;
  accountId: string;
  status: BindingStatus;
  createdAt: number;
  updatedAt: number;
  wabaId: string | null;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  /** the business account's name, shown for confirmation */
  businessName: string | null;
  shareHistory: boolean | null;
  appVersion: string | null;
  /** the business account's own time zone, when Meta gave one we can read */
  businessTimezone: string | null;
  timezone: string | null;
  /** when the number was onboarded to the Cloud API (signup): the 24 h sync window starts here */
  onboardedAt: number | null;
  failure: BindingFailure | null;
  /** the business token, sealed with TokenCipher (context: the WABA id), kept from the code exchange on */
  sealedToken: string | null;
  /** the request that completed each step, so a retried request gets the same answer */
  steps: Partial<Record<'signup' | 'confirm' | 'finish', { at: number; fingerprint: string }>>;
}

export class BindingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async create(accountId: string, now = Date.now()): Promise<Binding> {
    const binding: Binding = {
      id: newId('bnd'),
      accountId,
      status: 'started',
      createdAt: now,
      updatedAt: now,
      wabaId: null,
      phoneNumberId: null,
      displayPhoneNumber: null,
      verifiedName: null,
      businessName: null,
      shareHistory: null,
      appVersion: null,
      businessTimezone: null,
      timezone: null,
      onboardedAt: null,
      failure: null,
      sealedToken: null,
      steps: {},
    };
    await this.save(binding);
    await this.redis.zadd(this.keys.accountBindings(accountId), now, binding.id);
    return binding;
  }

  /** Only the owner sees a binding: another account's id reads as missing. */
  async get(accountId: string, bindingId: string): Promise<Binding | null> {
    const raw = await this.redis.get(this.keys.binding(bindingId));
    if (!raw) return null;
    const binding = JSON.parse(raw) as Binding;
    return binding.accountId === accountId ? binding : null;
  }

  async getAny(bindingId: string): Promise<Binding | null> {
    const raw = await this.redis.get(this.keys.binding(bindingId));
    return raw ? (JSON.parse(raw) as Binding) : null;
  }

  async save(binding: Binding): Promise<void> {
    await this.redis.set(this.keys.binding(binding.id), JSON.stringify(binding));
  }

  async list(accountId: string): Promise<Binding[]> {
    const ids = await this.redis.zrevrange(this.keys.accountBindings(accountId), 0, 199);
    const bindings = await Promise.all(ids.map((id) => this.get(accountId, id)));
    return bindings.filter((b): b is Binding => b !== null);
  }

  /**
   * One step at a time per binding: a second request for the same binding waits for the first
   * (the signup code is single-use, so two concurrent exchanges would fail one of them).
   */
  async withLock<T>(bindingId: string, work: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
    const key = this.keys.bindingLock(bindingId);
    const token = newId('lock');
    const deadline = Date.now() + timeoutMs;
    while ((await this.redis.set(key, token, 'PX', timeoutMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`binding ${bindingId} is busy`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
        1,
        key,
        token,
      );
    }
  }
}
