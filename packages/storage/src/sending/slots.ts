import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis.js';

const SCRIPT = readFileSync(new URL('./slot.lua', import.meta.url), 'utf8');

type Mode = 'take' | 'restamp' | 'give_back';

type SlotCommand = (
  traffic: string,
  pause: string,
  handoff: string,
  limit: number,
  windowUs: number,
  mode: Mode,
  entry: string,
  messageId: string,
  horizonUs: number,
) => Promise<[number, number, number, number, number]>;

export interface Slot {
  allowed: boolean;
  /**
   * Refused: ms until a slot frees (or the pause ends). Allowed: ms to hold the request back,
   * 0 unless the slot was granted ahead (it frees within the horizon).
   */
  waitMs: number;
  /** refused because the number pauses after a 130429 */
  paused: boolean;
  /** entries in the window after this call */
  inWindow: number;
  /** the entry's name in the window, for `restamp` */
  entry: string;
  /** Redis's clock when it decided, ms since the epoch */
  at: number;
  /** when the slot may be used (allowed) or frees (refused), on Redis's clock */
  usableAt: number;
}

/**
 * Slots in a number's sliding window for sends, on the limiter's log (so inbound messages
 * recorded by ingest and the 130429 pause count): `take` right before the HTTP call, `restamp`
 * when Meta answers (see slot.lua for why that makes the cap exact at Meta's end).
 */
export class SendSlots {
  private readonly command: SlotCommand;
  private readonly windowUs: number;

  constructor(
    redis: Redis,
    private readonly keys: Keys,
    options: { windowMs?: number } = {},
  ) {
    this.windowUs = Math.round((options.windowMs ?? THROUGHPUT_WINDOW_MS) * 1000);
    if (!('coexistSendSlot' in redis))
      redis.defineCommand('coexistSendSlot', { numberOfKeys: 3, lua: SCRIPT });
    this.command = (redis as unknown as { coexistSendSlot: SlotCommand }).coexistSendSlot.bind(redis);
  }

  async take(
    phoneNumberId: string,
    messageId: string,
    limit: number = COEXISTENCE_MESSAGES_PER_SECOND,
    options: { horizonMs?: number } = {},
  ): Promise<Slot> {
    const entry = `${messageId}:${randomBytes(4).toString('hex')}`;
    const [allowed, waitUs, inWindow, atUs, paused] = await this.run(
      phoneNumberId,
      limit,
      'take',
      entry,
      messageId,
      Math.round((options.horizonMs ?? 0) * 1000),
    );
    return {
      allowed: allowed === 1,
      waitMs: Math.ceil(waitUs / 1000),
      paused: paused === 1,
      inWindow,
      entry,
      at: atUs / 1000,
      usableAt: (atUs + waitUs) / 1000,
    };
  }

  /**
   * Meta answered (or a long call is still out): the entry counts from the answer. `answeredAt` is
   * `performance.now()` when the answer came; the time since is taken off Redis's clock when the
   * script runs, which can only be later than the answer, so the entry never moves too early.
   */
  async restamp(phoneNumberId: string, entry: string, answeredAt?: number): Promise<void> {
    const sinceUs = answeredAt === undefined ? 0 : Math.floor((performance.now() - answeredAt) * 1000);
    await this.run(phoneNumberId, 0, 'restamp', entry, '', Math.max(0, sinceUs));
  }

  /** The slot was taken but no request will use it: it is free again at once. */
  async giveBack(phoneNumberId: string, entry: string): Promise<void> {
    await this.run(phoneNumberId, 0, 'give_back', entry, '', 0);
  }

  private run(
    phoneNumberId: string,
    limit: number,
    mode: Mode,
    entry: string,
    messageId: string,
    horizonUs: number,
  ) {
    return this.command(
      this.keys.numberTraffic(phoneNumberId),
      this.keys.numberPause(phoneNumberId),
      this.keys.numberHandoff(phoneNumberId),
      limit,
      this.windowUs,
      mode,
      entry,
      messageId,
      horizonUs,
    );
  }
}
