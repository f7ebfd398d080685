import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

const SCRIPT = readFileSync(new URL('./slot.lua', import.meta.url), 'utf8');

type Mode = 'take' | 'restamp' | 'give_back';

type SlotCommand = (
  traffic: string,
  pause: string,
  handoff: string,
  mode: Mode,
  limit: number,
  windowUs: number,
  horizonUs: number,
  ...items: Array<string | number>
) => Promise<number[]>;

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
  /** the entry's name in the window, for `restamp` and `giveBack` */
  entry: string;
  /** Redis's clock when it decided, ms since the epoch */
  at: number;
  /** when the slot may be used (allowed) or frees (refused), on Redis's clock */
  usableAt: number;
}

/**
 * Slots in a number's sliding window for sends, on the limiter's log (so inbound messages
 * recorded by ingest and the 130429 pause count): `take` right before the HTTP calls, `restamp`
 * when Meta answers (see slot.lua for why that makes the cap exact at Meta's end). Every
 * operation takes any number of messages of one number in one round trip.
 */
export class SendSlots {
  private readonly command: SlotCommand;
  private readonly windowUs: number;

  constructor(
    redis: RedisClient,
    private readonly keys: Keys,
    options: { windowMs?: number } = {},
  ) {
    this.windowUs = Math.round((options.windowMs ?? THROUGHPUT_WINDOW_MS) * 1000);
    if (!('coexistSendSlots' in redis))
      redis.defineCommand('coexistSendSlots', { numberOfKeys: 3, lua: SCRIPT });
    this.command = (redis as unknown as { coexistSendSlots: SlotCommand }).coexistSendSlots.bind(redis);
  }

  async take(
    phoneNumberId: string,
    messageId: string,
    limit: number = COEXISTENCE_MESSAGES_PER_SECOND,
    options: { horizonMs?: number } = {},
  ): Promise<Slot> {
    const [slot] = await this.takeMany(phoneNumberId, [messageId], limit, options);
    return slot!;
  }

  /** One slot per message, in order: each is granted, granted ahead, or refused with its wait. */
  async takeMany(
    phoneNumberId: string,
    messageIds: readonly string[],
    limit: number = COEXISTENCE_MESSAGES_PER_SECOND,
    options: { horizonMs?: number } = {},
  ): Promise<Slot[]> {
    if (messageIds.length === 0) return [];
    const entries = messageIds.map((id) => `${id}:${randomBytes(4).toString('hex')}`);
    const reply = await this.run(
      phoneNumberId,
      'take',
      limit,
      Math.round((options.horizonMs ?? 0) * 1000),
      entries.flatMap((entry, i) => [entry, messageIds[i]!]),
    );
    const [atUs, inWindow, paused] = reply as [number, number, number];
    return entries.map((entry, i) => {
      const allowed = reply[3 + 2 * i] === 1;
      const waitUs = reply[4 + 2 * i]!;
      return {
        allowed,
        waitMs: Math.ceil(waitUs / 1000),
        paused: paused === 1,
        inWindow,
        entry,
        at: atUs / 1000,
        usableAt: (atUs + waitUs) / 1000,
      };
    });
  }

  /**
   * Meta answered (or a long call is still out): the entry counts from the answer. `answeredAt` is
   * `performance.now()` when the answer came; the time since is taken off Redis's clock when the
   * script runs, which can only be later than the answer, so the entry never moves too early.
   */
  async restamp(phoneNumberId: string, entry: string, answeredAt?: number): Promise<void> {
    await this.restampMany(phoneNumberId, [{ entry, answeredAt }]);
  }

  async restampMany(
    phoneNumberId: string,
    items: ReadonlyArray<{ entry: string; answeredAt?: number | undefined }>,
  ): Promise<void> {
    if (items.length === 0) return;
    const now = performance.now();
    await this.run(
      phoneNumberId,
      'restamp',
      0,
      0,
      items.flatMap(({ entry, answeredAt }) => [
        entry,
        answeredAt === undefined ? 0 : Math.max(0, Math.floor((now - answeredAt) * 1000)),
      ]),
    );
  }

  /** Slots taken but never used by a request: free again at once. */
  async giveBack(phoneNumberId: string, ...entries: string[]): Promise<void> {
    if (entries.length === 0) return;
    await this.run(
      phoneNumberId,
      'give_back',
      0,
      0,
      entries.flatMap((entry) => [entry, 0]),
    );
  }

  private run(
    phoneNumberId: string,
    mode: Mode,
    limit: number,
    horizonUs: number,
    items: Array<string | number>,
  ) {
    return this.command(
      this.keys.numberTraffic(phoneNumberId),
      this.keys.numberPause(phoneNumberId),
      this.keys.numberHandoff(phoneNumberId),
      mode,
      limit,
      this.windowUs,
      horizonUs,
      ...items,
    );
  }
}
