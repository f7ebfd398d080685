import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

const SCRIPT = readFileSync(new URL('./traffic.lua', import.meta.url), 'utf8');

type TrafficCommand = (
  trafficKey: string,
  pauseKey: string,
  limit: number,
  windowUs: number,
  mode: 'take' | 'record',
  id: string,
) => Promise<[number, number, number, number]>;

export interface TakeResult {
  allowed: boolean;
  /** when not allowed: how long until a slot frees, in ms */
  waitMs: number;
  /** entries in the current window after this call */
  inWindow: number;
  /** when Redis decided, on its own clock (ms since the epoch, µs precision) */
  at: number;
}

/**
 * The per-number throughput budget shared by every process: the sender takes a slot right
 * before each send, and ingest records each inbound message (Meta counts both against the 20).
 */
export class TrafficLimiter {
  private readonly windowUs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    options: { windowMs?: number } = {},
  ) {
    this.windowUs = Math.round((options.windowMs ?? THROUGHPUT_WINDOW_MS) * 1000);
    // defineCommand loads the script once and runs it by SHA, reloading it after a Redis restart.
    if (!('coexistTraffic' in redis)) redis.defineCommand('coexistTraffic', { numberOfKeys: 2, lua: SCRIPT });
    this.command = (redis as unknown as { coexistTraffic: TrafficCommand }).coexistTraffic.bind(redis);
  }

  private readonly command: TrafficCommand;

  async take(phoneNumberId: string, limit: number = COEXISTENCE_MESSAGES_PER_SECOND): Promise<TakeResult> {
    return this.run(phoneNumberId, limit, 'take');
  }

  /** Counts traffic that already happened (an inbound message); never refuses. */
  async record(phoneNumberId: string): Promise<TakeResult> {
    return this.run(phoneNumberId, Number.MAX_SAFE_INTEGER, 'record');
  }

  /** After Meta's `130429`, nothing is taken for this number until the pause ends. */
  async pause(phoneNumberId: string, ms: number): Promise<void> {
    await this.redis.set(this.keys.numberPause(phoneNumberId), '1', 'PX', Math.max(1, Math.ceil(ms)));
  }

  private async run(phoneNumberId: string, limit: number, mode: 'take' | 'record'): Promise<TakeResult> {
    const [allowed, waitUs, inWindow, atUs] = await this.command(
      this.keys.numberTraffic(phoneNumberId),
      this.keys.numberPause(phoneNumberId),
      limit,
      this.windowUs,
      mode,
      randomUUID(),
    );
    return { allowed: allowed === 1, waitMs: Math.ceil(waitUs / 1000), inWindow, at: atUs / 1000 };
  }
}
