import { createHash } from 'node:crypto';
import type { Keys, RedisClient } from '../redis.js';

/** The answer a request got, replayed to any retry with the same key. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type IdempotencyBegin =
  /** first use: go ahead, then `finish` (or `abandon`) */
  | { state: 'new' }
  /** the same key is being processed by another request right now */
  | { state: 'in_progress'; sameRequest: boolean }
  /** answered before */
  | { state: 'done'; sameRequest: boolean; answer: StoredAnswer };

interface Entry {
  fingerprint: string;
  answer?: StoredAnswer;
}

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A request that died mid-way frees its key after this long. */
export const IDEMPOTENCY_PENDING_MS = 60_000;

/**
 * `Idempotency-Key` per account: the first request with a key claims it (SET NX), stores its
 * answer for 24 h, and every retry with the same key and the same request gets that answer
 * instead of sending a second message. The request is compared by a fingerprint the caller makes
 * (for sends: the number and the body).
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Client keys can be anything; Redis sees their SHA-256. */
  private key(accountId: string, idempotencyKey: string): string {
    return this.keys.idempotency(accountId, createHash('sha256').update(idempotencyKey).digest('hex'));
  }

  async begin(accountId: string, idempotencyKey: string, fingerprint: string): Promise<IdempotencyBegin> {
    const key = this.key(accountId, idempotencyKey);
    const entry: Entry = { fingerprint };
    const claimed = await this.redis.set(key, JSON.stringify(entry), 'PX', IDEMPOTENCY_PENDING_MS, 'NX');
    if (claimed === 'OK') return { state: 'new' };
    const raw = await this.redis.get(key);
    // it expired between the two calls: try once more
    if (raw === null) return this.begin(accountId, idempotencyKey, fingerprint);
    const existing = JSON.parse(raw) as Entry;
    const sameRequest = existing.fingerprint === fingerprint;
    return existing.answer
      ? { state: 'done', sameRequest, answer: existing.answer }
      : { state: 'in_progress', sameRequest };
  }

  async finish(
    accountId: string,
    idempotencyKey: string,
    fingerprint: string,
    answer: StoredAnswer,
  ): Promise<void> {
    const entry: Entry = { fingerprint, answer };
    await this.redis.set(
      this.key(accountId, idempotencyKey),
      JSON.stringify(entry),
      'EX',
      IDEMPOTENCY_TTL_SECONDS,
    );
  }

  /** The request ended without an answer worth replaying (invalid, or our failure): free the key. */
  async abandon(accountId: string, idempotencyKey: string): Promise<void> {
    await this.redis.del(this.key(accountId, idempotencyKey));
  }
}

/** A stable fingerprint of a JSON value: object keys sorted, so key order does not matter. */
export function requestFingerprint(...parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify(parts.map(canonical)))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
