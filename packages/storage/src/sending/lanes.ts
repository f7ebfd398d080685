import { readFileSync } from 'node:fs';
import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

const script = (name: string) => readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');

type ArmCommand = (
  ready: string,
  numbers: string,
  id: string,
  mode: string,
  channel: string,
) => Promise<number>;
type ClaimCommand = (ready: string, max: number, leaseMs: number) => Promise<Array<number | string>>;
type HandOffCommand = (
  outbox: string,
  handoff: string,
  traffic: string,
  pause: string,
  limit: number,
  windowUs: number,
  max: number,
  staleMs: number,
  revisitMs: number,
  aheadUs: number,
) => Promise<Array<number | string>>;
type RearmCommand = (ready: string, lease: number, ...pairs: Array<string | number>) => Promise<number>;
type ReleaseCommand = (handoff: string, outbox: string, id: string) => Promise<number>;

interface LaneCommands {
  coexistLaneArm: ArmCommand;
  coexistLaneClaim: ClaimCommand;
  coexistLaneHandOff: HandOffCommand;
  coexistLaneRearm: RearmCommand;
  coexistLaneRelease: ReleaseCommand;
}

export interface Claim {
  /** the score the claimed numbers hold until rearmed (ms, Redis clock) */
  lease: number;
  /** ms until the next number in the ready set is due; null when the set is empty */
  nextDueInMs: number | null;
  phoneNumberIds: string[];
}

export interface HandOff {
  /** when the number should be looked at again (ms, Redis clock); null: nothing left, disarm */
  nextDueAt: number | null;
  /** messages still waiting in the outbox */
  remaining: number;
  /** message ids now handed off, in outbox order */
  messageIds: string[];
  /** handed off long ago without taking a slot: their jobs should be checked */
  stale: string[];
}

export interface HandOffOptions {
  /** messages per sliding window (the number's throughput) */
  limit?: number;
  /** the sliding window, ms; the sender adds its safety margin here */
  windowMs?: number;
  /** most messages handed off in one call */
  max?: number;
  /** a handed-off message older than this is reported stale */
  staleMs?: number;
  /** slots freeing within this many ms count as free (the sender's take horizon covers them) */
  aheadMs?: number;
}

export const DEFAULT_STALE_MS = 30_000;

/**
 * One lane per number: a FIFO outbox of message ids, a set of messages handed to the send queue,
 * and a ready set of numbers scored by when a dispatcher should next look at them. The api
 * enqueues; dispatchers in any number of processes claim due numbers, hand off as many messages as
 * each number's sliding window has room for, and rearm the number at its next free slot. So a
 * backlog on one number never holds up another, and no worker waits for a number's budget.
 */
export class SendLanes {
  private readonly commands: LaneCommands;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    const define = (name: keyof LaneCommands, file: string, numberOfKeys: number) => {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua: script(file) });
    };
    define('coexistLaneArm', 'arm', 2);
    define('coexistLaneClaim', 'claim', 1);
    define('coexistLaneHandOff', 'handoff', 4);
    define('coexistLaneRearm', 'rearm', 1);
    define('coexistLaneRelease', 'release', 2);
    const r = redis as unknown as LaneCommands;
    this.commands = {
      coexistLaneArm: r.coexistLaneArm.bind(redis),
      coexistLaneClaim: r.coexistLaneClaim.bind(redis),
      coexistLaneHandOff: r.coexistLaneHandOff.bind(redis),
      coexistLaneRearm: r.coexistLaneRearm.bind(redis),
      coexistLaneRelease: r.coexistLaneRelease.bind(redis),
    };
  }

  /**
   * Appends a message to its number's outbox and makes sure a dispatcher will see it. The push
   * comes first: a dispatcher that looks in between finds the message. (A crash between the two
   * leaves the number unarmed until the sweeper or the number's next message arms it.)
   */
  async enqueue(phoneNumberId: string, messageId: string): Promise<void> {
    const length = await this.redis.rpush(this.keys.numberOutbox(phoneNumberId), messageId);
    await this.arm(phoneNumberId, length === 1 ? 'now' : 'missing');
  }

  /** Several messages for one number at once, in order (bulk sends, benchmarks). */
  async enqueueMany(phoneNumberId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const length = await this.redis.rpush(this.keys.numberOutbox(phoneNumberId), ...messageIds);
    await this.arm(phoneNumberId, length === messageIds.length ? 'now' : 'missing');
  }

  /** `now`: due at once (or earlier than planned); `missing`: due at once only if not in the ready set. */
  async arm(phoneNumberId: string, mode: 'now' | 'missing'): Promise<boolean> {
    const changed = await this.commands.coexistLaneArm(
      this.keys.dispatchReady(),
      this.keys.dispatchNumbers(),
      phoneNumberId,
      mode,
      this.keys.dispatchWake(),
    );
    return changed === 1;
  }

  async claim(max: number, leaseMs: number): Promise<Claim> {
    const [lease, nextWait, ...ids] = await this.commands.coexistLaneClaim(
      this.keys.dispatchReady(),
      max,
      leaseMs,
    );
    return {
      lease: Number(lease),
      nextDueInMs: Number(nextWait) < 0 ? null : Number(nextWait),
      phoneNumberIds: ids.map(String),
    };
  }

  async handOff(phoneNumberId: string, options: HandOffOptions = {}): Promise<HandOff> {
    const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    const [at, remaining, count, ...rest] = await this.commands.coexistLaneHandOff(
      this.keys.numberOutbox(phoneNumberId),
      this.keys.numberHandoff(phoneNumberId),
      this.keys.numberTraffic(phoneNumberId),
      this.keys.numberPause(phoneNumberId),
      options.limit ?? COEXISTENCE_MESSAGES_PER_SECOND,
      Math.round((options.windowMs ?? THROUGHPUT_WINDOW_MS) * 1000),
      options.max ?? options.limit ?? COEXISTENCE_MESSAGES_PER_SECOND,
      staleMs,
      staleMs,
      Math.round((options.aheadMs ?? 0) * 1000),
    );
    const n = Number(count);
    return {
      nextDueAt: Number(at) < 0 ? null : Number(at),
      remaining: Number(remaining),
      messageIds: rest.slice(0, n).map(String),
      stale: rest.slice(n).map(String),
    };
  }

  /** Gives each claimed number its next due time (null: remove it), unless it was armed meanwhile. */
  async rearm(lease: number, numbers: ReadonlyArray<{ phoneNumberId: string; nextDueAt: number | null }>) {
    if (numbers.length === 0) return 0;
    const pairs = numbers.flatMap((n) => [n.phoneNumberId, n.nextDueAt ?? -1]);
    return this.commands.coexistLaneRearm(this.keys.dispatchReady(), lease, ...pairs);
  }

  /** The message took its slot: it no longer holds one in the hand-off set. */
  async taken(phoneNumberId: string, messageId: string): Promise<void> {
    await this.redis.zrem(this.keys.numberHandoff(phoneNumberId), messageId);
  }

  /**
   * The message leaves the hand-off set without taking a slot (a rule failed, or it waits for its
   * recipient or a retry); the number is due again at once if more messages wait.
   */
  async release(phoneNumberId: string, messageId: string): Promise<void> {
    const waiting = await this.commands.coexistLaneRelease(
      this.keys.numberHandoff(phoneNumberId),
      this.keys.numberOutbox(phoneNumberId),
      messageId,
    );
    if (waiting > 0) await this.arm(phoneNumberId, 'now');
  }

  async outboxLength(phoneNumberId: string): Promise<number> {
    return this.redis.llen(this.keys.numberOutbox(phoneNumberId));
  }

  async handedOff(phoneNumberId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.numberHandoff(phoneNumberId), '0', '-1');
  }

  /** When the number is next due (ms, Redis clock), or null when it is not in the ready set. */
  async dueAt(phoneNumberId: string): Promise<number | null> {
    const score = await this.redis.zscore(this.keys.dispatchReady(), phoneNumberId);
    return score === null ? null : Number(score);
  }

  /**
   * Re-arms every number that has messages waiting or handed off but is in nobody's ready set:
   * the repair for a crash between an enqueue's push and its arm. At most one sweep per `everyMs`
   * across all processes (a lock that expires), walking the numbers with SSCAN. Returns how many
   * numbers were re-armed.
   */
  async sweep(everyMs = 30_000): Promise<number> {
    const lock = await this.redis.set(
      this.keys.dispatchSweepLock(),
      String(process.pid),
      'PX',
      everyMs,
      'NX',
    );
    if (lock !== 'OK') return 0;
    let rearmed = 0;
    let cursor = '0';
    do {
      const [next, ids] = await this.redis.sscan(this.keys.dispatchNumbers(), cursor, 'COUNT', 200);
      cursor = next;
      const work = await Promise.all(
        ids.map(async (id) => {
          const [outbox, handoff] = await Promise.all([
            this.redis.llen(this.keys.numberOutbox(id)),
            this.redis.zcard(this.keys.numberHandoff(id)),
          ]);
          return { id, busy: outbox + handoff > 0 };
        }),
      );
      for (const { id, busy } of work) if (busy && (await this.arm(id, 'missing'))) rearmed++;
    } while (cursor !== '0');
    return rearmed;
  }
}
