import { pairRateBackoffMs, throughputBackoffMs } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

/** A `131056` streak with one recipient: how many in a row, and until when that pair rests. */
export interface PairBackoff {
  strikes: number;
  /** ms since the epoch */
  until: number;
}

export interface BackoffState {
  pair: PairBackoff | null;
  /** consecutive `130429` answers for the number */
  throttleStrikes: number;
}

/** How long a streak is remembered after its last strike: a later `131056` continues it. */
const PAIR_MEMORY_MS = 30 * 60_000;
const THROTTLE_MEMORY_MS = 5 * 60_000;

function parsePair(raw: string | null): PairBackoff | null {
  if (!raw) return null;
  const [strikes, until] = raw.split(':').map(Number);
  return Number.isFinite(strikes) && Number.isFinite(until) ? { strikes: strikes!, until: until! } : null;
}

/**
 * What Meta's throttling answers leave behind, per number (hash-tagged with it):
 * - `130429` (number throughput): consecutive strikes, which set the number's pause
 *   (1 s, 2 s, 4 s … up to a minute) through the limiter's pause key;
 * - `131056` (pair rate): per recipient, a rest of 4^X s (X = strikes so far), which holds back
 *   messages to that recipient only.
 * A success clears the streak.
 */
export class SendBackoff {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Both in one round trip (same slot). */
  async read(phoneNumberId: string, recipient: string): Promise<BackoffState> {
    const { pairs, throttleStrikes } = await this.readMany(phoneNumberId, [recipient]);
    return { pair: pairs[0] ?? null, throttleStrikes };
  }

  /** The pair rests of several recipients of one number, and its 130429 strikes, in one MGET. */
  async readMany(
    phoneNumberId: string,
    recipients: readonly string[],
  ): Promise<{ pairs: Array<PairBackoff | null>; throttleStrikes: number }> {
    const values = await this.redis.mget(
      this.keys.numberThrottleStrikes(phoneNumberId),
      ...recipients.map((r) => this.keys.numberPairBackoff(phoneNumberId, r)),
    );
    return {
      throttleStrikes: Number(values[0] ?? 0) || 0,
      pairs: values.slice(1).map((v) => parsePair(v ?? null)),
    };
  }

  /** Meta answered `131056`: the pair rests 4^X s; returns the rest. */
  async pairRefused(
    phoneNumberId: string,
    recipient: string,
    previous: PairBackoff | null,
    now = Date.now(),
  ): Promise<PairBackoff> {
    const strikes = (previous?.strikes ?? 0) + 1;
    const until = now + pairRateBackoffMs(strikes - 1);
    await this.redis.set(
      this.keys.numberPairBackoff(phoneNumberId, recipient),
      `${strikes}:${until}`,
      'PX',
      until - now + PAIR_MEMORY_MS,
    );
    return { strikes, until };
  }

  async pairCleared(phoneNumberId: string, recipient: string): Promise<void> {
    await this.redis.del(this.keys.numberPairBackoff(phoneNumberId, recipient));
  }

  /** Meta answered `130429`: one more strike; returns how long the number should pause. */
  async throttled(phoneNumberId: string): Promise<{ strikes: number; pauseMs: number }> {
    const key = this.keys.numberThrottleStrikes(phoneNumberId);
    const [[, strikes]] = (await this.redis.multi().incr(key).pexpire(key, THROTTLE_MEMORY_MS).exec()) as [
      [Error | null, number],
      unknown,
    ];
    return { strikes, pauseMs: throughputBackoffMs(strikes) };
  }

  async throttleCleared(phoneNumberId: string): Promise<void> {
    await this.redis.del(this.keys.numberThrottleStrikes(phoneNumberId));
  }
}
