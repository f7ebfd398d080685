import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis.js';

const SCRIPT = readFileSync(new URL('./slot.lua', import.meta.url), 'utf8');

type SlotCommand = (
  traffic: string,
  pause: string,
  handoff: string,
  limit: number,
  windowUs: number,
  mode: 'take' | 'restamp',
  entry: string,
  messageId: string,
) => Promise<[number, number, number, number, number]>;

export interface Slot {
  allowed: boolean;
  /** when refused: ms until a slot frees (or the pause ends) */
  waitMs: number;
  /** refused because the number pauses after a 130429 */
  paused: boolean;
  /** entries in the window after this call */
  inWindow: number;
  /** the entry's name in the window, for `restamp` */
  entry: string;
  /** Redis's clock when it decided, ms since the epoch */
  at: number;
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
  ): Promise<Slot> {
    const entry = `${messageId}:${randomBytes(4).toString('hex')}`;
    const [allowed, waitUs, inWindow, atUs, paused] = await this.run(
      phoneNumberId,
      limit,
      'take',
      entry,
      messageId,
    );
    return {
      allowed: allowed === 1,
      waitMs: Math.ceil(waitUs / 1000),
      paused: paused === 1,
      inWindow,
      entry,
      at: atUs / 1000,
    };
  }

  /** Meta answered (or a long call is still out): the entry counts from now. */
  async restamp(phoneNumberId: string, entry: string): Promise<void> {
    await this.run(phoneNumberId, 0, 'restamp', entry, '');
  }

  private run(
    phoneNumberId: string,
    limit: number,
    mode: 'take' | 'restamp',
    entry: string,
    messageId: string,
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
    );
  }
}
